using System.ComponentModel;
using System.Globalization;
using HexProperty.Api.Bookings;
using HexProperty.Api.Caching;
using HexProperty.Api.Contracts;
using HexProperty.Api.Infrastructure;
using HexProperty.Caching;
using HexProperty.Data.Caching;
using HexProperty.Data.Persistence;
using HexProperty.Data.Pricing;
using Microsoft.Extensions.Caching.Hybrid;
using Npgsql;

namespace HexProperty.Api.Catalog;

/// <summary>
/// The guests' property search: active properties in a city or country, with all the asked amenities, priced by their
/// cheapest active unit that takes the guests and (with dates) is free and allows that stay length; keyset pagination
/// (the cursor carries the last row's sort key and id, so a page costs the same however deep it is).
/// <para>
/// Guests ask a different question almost every time (place × dates × guests × filters), so caching whole pages
/// misses most of the time. What the answers are made of repeats: a place's catalogue (its properties and units,
/// changed by staff now and then) and the nights taken there in each week (changed by bookings). Both are cached,
/// the catalogue per place and the taken nights per place and week, and the answer is computed from them in memory:
/// a dated search in a warm place reads no database at all, whatever its dates and filters. A hold that has lapsed is
/// ignored at once, before the sweeper frees its nights. The page's display fields come from each property's cached
/// details.
/// </para>
/// </summary>
public sealed class PropertySearch(ReadReplica reads, HybridCache cache, CacheProfiles profiles, PropertyDetailsQuery details, UnitPricingQuery pricing)
{
    private readonly CacheProfile _places = profiles[ApiCaching.SearchPlaces];
    private readonly CacheProfile _nights = profiles[ApiCaching.SearchNights];

    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;

    public sealed record Criteria(
        string? City, string? Country, DateOnly? CheckIn, DateOnly? CheckOut, int Guests, decimal? MinPrice, decimal? MaxPrice,
        string[] Amenities, bool ByName, int Limit, KeysetCursor? After, DateTimeOffset Now);

    public async ValueTask<SearchPage> SearchAsync(Criteria criteria, CancellationToken cancellationToken)
    {
        var place = Place.Of(criteria);
        var catalogue = await cache.GetOrCreateAsync(
            _places.Key(place.Tag), (Search: this, Place: place), static (state, token) => state.Search.ReadCatalogueAsync(state.Place, token),
            _places.EntryOptions, [place.Tag], cancellationToken);
        var taken = criteria is { CheckIn: { } checkIn, CheckOut: { } checkOut }
            ? await TakenUnitsAsync(place, checkIn, checkOut, criteria.Now, cancellationToken)
            : null;

        var ranked = Rank(catalogue, criteria, taken);
        var shown = ranked.Take(criteria.Limit).ToList();
        // All of the page's details asked for at once: in memory they are there already, and when cold their fills run
        // side by side. One after another, a cold page waited its turn for a connection once per property (20 times),
        // and under load searches timed out while single reads got through (bench/README.md).
        var found = await Task.WhenAll(shown.Select(match => details.GetAsync(match.Entry.Id, cancellationToken).AsTask()));
        // With dates, each stay's total as a quote would give it (the shown unit's rules, cleaning and fees), from the
        // units' cached pricing: what a guest compares, not a nightly rate.
        var totals = criteria is { CheckIn: { } dayIn, CheckOut: { } dayOut }
            ? await Task.WhenAll(shown.Select(match => StayTotalAsync(match.Unit, dayIn, dayOut, criteria.Guests, cancellationToken)))
            : null;
        var items = new List<PropertySummary>(shown.Count);
        for (var i = 0; i < shown.Count; i++)
        {
            var rate = shown[i].Rate;
            // Deactivated since the catalogue was read (its invalidation is on the way): left out, the page stays valid.
            if (found[i] is { } property)
            {
                items.Add(new PropertySummary(
                    property.Id, property.Name, property.Type, property.City, property.Country, property.Latitude, property.Longitude,
                    rate, property.Currency, property.Amenities, property.Photos.Count > 0 ? property.Photos[0] : null,
                    totals?[i], property.CancellationPolicy));
            }
        }

        string? next = null;
        if (ranked.Count > criteria.Limit)
        {
            var (last, rate, _) = ranked[criteria.Limit - 1];
            next = new KeysetCursor(criteria.ByName ? last.LowerName : rate.ToString(CultureInfo.InvariantCulture), last.Id).Encode();
        }

        return new SearchPage(items, next);
    }

    /// <summary>
    /// The matching properties after the cursor, in page order, with their price; at most one more than a page (to
    /// know whether there is a next one).
    /// </summary>
    private async Task<decimal?> StayTotalAsync(Guid unitId, DateOnly checkIn, DateOnly checkOut, int guests, CancellationToken cancellationToken) =>
        await pricing.GetAsync(unitId, cancellationToken) is { } unit ? StayPricer.Quote(unit.Rates, checkIn, checkOut, guests).Quote?.Total : null;

    private static List<(CatalogueProperty Entry, decimal Rate, Guid Unit)> Rank(PlaceCatalogue catalogue, Criteria criteria, HashSet<Guid>? taken)
    {
        var nights = criteria is { CheckIn: { } checkIn, CheckOut: { } checkOut } ? checkOut.DayNumber - checkIn.DayNumber : (int?)null;
        var matches = new List<(CatalogueProperty Entry, decimal Rate, Guid Unit)>();
        foreach (var entry in catalogue.Properties)
        {
            if ((criteria.Country is { } country && entry.Country != country) || !criteria.Amenities.All(entry.Amenities.Contains))
            {
                continue;
            }

            decimal? rate = null;
            var cheapest = Guid.Empty;
            foreach (var unit in entry.Units)
            {
                if (unit.Capacity >= criteria.Guests
                    && (nights is not { } n || (n >= unit.MinNights && n <= unit.MaxNights && !taken!.Contains(unit.Id)))
                    && (rate is null || unit.Rate < rate))
                {
                    (rate, cheapest) = (unit.Rate, unit.Id);
                }
            }

            if (rate is { } price && (criteria.MinPrice is null || price >= criteria.MinPrice) && (criteria.MaxPrice is null || price <= criteria.MaxPrice)
                && (criteria.After is not { } after || Compare(entry, price, criteria.ByName, after) > 0))
            {
                matches.Add((entry, price, cheapest));
            }
        }

        matches.Sort((a, b) => criteria.ByName
            ? string.CompareOrdinal(a.Entry.LowerName, b.Entry.LowerName) is var byName and not 0 ? byName : a.Entry.Id.CompareTo(b.Entry.Id)
            : a.Rate.CompareTo(b.Rate) is var byRate and not 0 ? byRate : a.Entry.Id.CompareTo(b.Entry.Id));
        if (matches.Count > criteria.Limit + 1)
        {
            matches.RemoveRange(criteria.Limit + 1, matches.Count - criteria.Limit - 1);
        }

        return matches;
    }

    /// <summary>Where a property stands against the cursor, in the sort order; the same order as the page.</summary>
    private static int Compare(CatalogueProperty entry, decimal rate, bool byName, KeysetCursor after)
    {
        var key = byName
            ? string.CompareOrdinal(entry.LowerName, after.Key)
            : rate.CompareTo(decimal.Parse(after.Key, NumberStyles.Number, CultureInfo.InvariantCulture));
        return key != 0 ? key : entry.Id.CompareTo(after.Id);
    }

    /// <summary>The units of the place with a night of [checkIn, checkOut) taken by a booking, a live hold or a block.</summary>
    private async ValueTask<HashSet<Guid>> TakenUnitsAsync(Place place, DateOnly checkIn, DateOnly checkOut, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var taken = new HashSet<Guid>();
        foreach (var week in CacheTags.Nights(place.Tag, checkIn, checkOut).Select((tag, i) => (Tag: tag, Monday: Monday(checkIn).AddDays(7 * i))))
        {
            var stays = await cache.GetOrCreateAsync(
                _nights.Key(week.Tag), (Search: this, Place: place, week.Monday, Now: now),
                static (state, token) => state.Search.ReadTakenNightsAsync(state.Place, state.Monday, state.Now, token),
                _nights.EntryOptions, [week.Tag, place.Tag], cancellationToken);
            foreach (var stay in stays.Stays)
            {
                if (stay.From < checkOut && checkIn < stay.To && (stay.ExpiresAt is not { } expiresAt || expiresAt > now))
                {
                    taken.Add(stay.UnitId);
                }
            }
        }

        return taken;
    }

    private static DateOnly Monday(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    private async ValueTask<PlaceCatalogue> ReadCatalogueAsync(Place place, CancellationToken cancellationToken)
    {
        await using var connection = await reads.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            select p.id, lower(p.name), p.country, p.amenities, u.id, u.capacity, u.base_nightly_rate, u.min_nights, u.max_nights
            from properties p
            join units u on u.property_id = p.id and u.active
            where p.status = 'Active' and {place.Predicate}
            order by p.id
            """, connection);
        command.Parameters.AddWithValue("place", place.Value);
        var properties = new List<CatalogueProperty>();
        var units = new List<CatalogueUnit>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetGuid(0);
            if (properties.Count == 0 || properties[^1].Id != id)
            {
                units = [];
                properties.Add(new CatalogueProperty(id, reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3), units));
            }

            units.Add(new CatalogueUnit(reader.GetGuid(4), reader.GetInt32(5), reader.GetDecimal(6), reader.GetInt32(7), reader.GetInt32(8)));
        }

        return new PlaceCatalogue(properties);
    }

    /// <summary>
    /// The stays of the place's units (any status: the catalogue decides which units count) that take a night in the
    /// week from <paramref name="monday"/>, clipped to that week: a stay across weeks is in each of them.
    /// </summary>
    private async ValueTask<PlaceNights> ReadTakenNightsAsync(Place place, DateOnly monday, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await reads.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            select o.unit_id, greatest(lower(o.stay), @monday), least(upper(o.stay), @sunday_night), o.expires_at
            from unit_occupancy o
            join units u on u.id = o.unit_id
            join properties p on p.id = u.property_id
            where {place.Predicate}
              and o.stay && daterange(@monday, @sunday_night, '[)')
              and (o.expires_at is null or o.expires_at > @now)
            """, connection);
        command.Parameters.AddWithValue("place", place.Value);
        command.Parameters.AddWithValue("monday", monday);
        command.Parameters.AddWithValue("sunday_night", monday.AddDays(7));
        command.Parameters.AddWithValue("now", now);
        var stays = new List<TakenNights>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stays.Add(new TakenNights(
                reader.GetGuid(0), reader.GetFieldValue<DateOnly>(1), reader.GetFieldValue<DateOnly>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return new PlaceNights(stays);
    }

    /// <summary>A search's place: its city (country, if also given, filters in memory) or else its country.</summary>
    private sealed record Place(string Tag, string Predicate, string Value)
    {
        public static Place Of(Criteria criteria) => criteria.City is { } city
            ? new(CacheTags.City(city), "lower(p.city) = @place", CacheTags.NormalizeCity(city))
            : new(CacheTags.Country(criteria.Country!), "p.country = @place", criteria.Country!);
    }
}

/// <summary>
/// What every search of a place needs that no booking changes: its active properties with their active units.
/// Immutable, so one cached instance serves every search.
/// </summary>
[ImmutableObject(true)]
public sealed record PlaceCatalogue(IReadOnlyList<CatalogueProperty> Properties);

/// <param name="LowerName">The name in lower case, as PostgreSQL lowers it: the sort key of a search by name.</param>
public sealed record CatalogueProperty(Guid Id, string LowerName, string Country, IReadOnlyList<string> Amenities, IReadOnlyList<CatalogueUnit> Units);

public sealed record CatalogueUnit(Guid Id, int Capacity, decimal Rate, int MinNights, int MaxNights);

/// <summary>The stays that take nights of a place's units in one week. Immutable, so one cached instance serves every search.</summary>
[ImmutableObject(true)]
public sealed record PlaceNights(IReadOnlyList<TakenNights> Stays);

/// <param name="ExpiresAt">When a hold lapses (null for bookings and blocks); a lapsed hold takes nothing.</param>
public sealed record TakenNights(Guid UnitId, DateOnly From, DateOnly To, DateTimeOffset? ExpiresAt);

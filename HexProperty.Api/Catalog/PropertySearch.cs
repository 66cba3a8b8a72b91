using System.Globalization;
using HexProperty.Api.Caching;
using HexProperty.Api.Contracts;
using HexProperty.Api.Infrastructure;
using HexProperty.Caching;
using HexProperty.Data.Caching;
using HexProperty.Data.Model;
using Microsoft.Extensions.Caching.Hybrid;
using Npgsql;

namespace HexProperty.Api.Catalog;

/// <summary>
/// The guests' property search, one SQL statement: active properties in a city or country, with all the asked
/// amenities, priced by their cheapest active unit that takes the guests and (with dates) is free and allows that
/// stay length. Keyset pagination: the cursor carries the last row's sort key and id, so a page costs the same
/// however deep it is. Pages are cached per question until their place's catalogue changes (a property or a unit), or,
/// for a dated search, until nights are taken or freed there in the weeks of the stay (the sweeper invalidates them
/// too when a hold lapses).
/// </summary>
public sealed class PropertySearch(NpgsqlDataSource dataSource, HybridCache cache, CacheProfiles profiles)
{
    private readonly CacheProfile _profile = profiles[ApiCaching.Search];

    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;

    public sealed record Criteria(
        string? City, string? Country, DateOnly? CheckIn, DateOnly? CheckOut, int Guests, decimal? MinPrice, decimal? MaxPrice,
        string[] Amenities, bool ByName, int Limit, KeysetCursor? After, DateTimeOffset Now);

    public ValueTask<SearchPage> SearchAsync(Criteria criteria, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(
            _profile.Key(KeyOf(criteria)), (Search: this, Criteria: criteria), static (state, token) => state.Search.ReadAsync(state.Criteria, token),
            _profile.EntryOptions, TagsOf(criteria), cancellationToken);

    /// <summary>
    /// The place's tag (any change to its catalogue), and for a dated search the place's weeks it spans (a hold or a
    /// block there): a booking in March leaves June's searches cached.
    /// </summary>
    private static string[] TagsOf(Criteria criteria)
    {
        var place = criteria.City is { } city ? CacheTags.City(city) : CacheTags.Country(criteria.Country!);
        return criteria is { CheckIn: { } checkIn, CheckOut: { } checkOut } ? [place, .. CacheTags.Nights(place, checkIn, checkOut)] : [place];
    }

    /// <summary>Everything that shapes the answer, normalised so equal questions share an entry (not the clock).</summary>
    private static string KeyOf(Criteria c) => string.Join('|',
        c.City is null ? "" : CacheTags.NormalizeCity(c.City), c.Country?.ToUpperInvariant(), c.CheckIn?.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
        c.CheckOut?.ToString("yyyyMMdd", CultureInfo.InvariantCulture), c.Guests.ToString(CultureInfo.InvariantCulture),
        c.MinPrice?.ToString(CultureInfo.InvariantCulture), c.MaxPrice?.ToString(CultureInfo.InvariantCulture),
        string.Join(',', c.Amenities.Order(StringComparer.Ordinal)), c.ByName ? "name" : "price", c.Limit.ToString(CultureInfo.InvariantCulture),
        c.After is { } after ? after.Encode() : "");

    private async ValueTask<SearchPage> ReadAsync(Criteria criteria, CancellationToken cancellationToken)
    {
        var sortKey = criteria.ByName ? "lower(p.name)" : "m.from_rate";
        var sql = $"""
            select p.id, p.name, p.type, p.city, p.country, p.latitude, p.longitude, m.from_rate, p.currency, p.amenities, p.photos[1], lower(p.name)
            from properties p
            cross join lateral (
                select min(u.base_nightly_rate) as from_rate
                from units u
                where u.property_id = p.id and u.active and u.capacity >= @guests
                  and (@check_in::date is null or (
                        (@check_out::date - @check_in::date) between u.min_nights and u.max_nights
                        and not exists (
                            select 1 from unit_occupancy o
                            where o.unit_id = u.id and o.stay && daterange(@check_in::date, @check_out::date, '[)')
                              and (o.expires_at is null or o.expires_at > @now))))
            ) m
            where p.status = 'Active'
              and (@city::text is null or lower(p.city) = lower(@city::text))
              and (@country::text is null or p.country = @country::text)
              and p.amenities @> @amenities
              and m.from_rate is not null
              and (@min_price::numeric is null or m.from_rate >= @min_price::numeric)
              and (@max_price::numeric is null or m.from_rate <= @max_price::numeric)
              {(criteria.After is null ? "" : criteria.ByName ? "and (lower(p.name), p.id) > (@after_key::text, @after_id)" : "and (m.from_rate, p.id) > (@after_key::numeric, @after_id)")}
            order by {sortKey}, p.id
            limit @limit
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(Nullable("city", criteria.City));
        command.Parameters.Add(Nullable("country", criteria.Country));
        command.Parameters.Add(Nullable("check_in", criteria.CheckIn));
        command.Parameters.Add(Nullable("check_out", criteria.CheckOut));
        command.Parameters.Add(Nullable("min_price", criteria.MinPrice));
        command.Parameters.Add(Nullable("max_price", criteria.MaxPrice));
        command.Parameters.AddWithValue("guests", criteria.Guests);
        command.Parameters.AddWithValue("amenities", criteria.Amenities);
        command.Parameters.AddWithValue("now", criteria.Now);
        command.Parameters.AddWithValue("limit", criteria.Limit + 1);
        if (criteria.After is { } after)
        {
            command.Parameters.AddWithValue("after_key", after.Key);
            command.Parameters.AddWithValue("after_id", after.Id);
        }

        var items = new List<PropertySummary>(criteria.Limit + 1);
        var lowerNames = new List<string>(criteria.Limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                lowerNames.Add(reader.GetString(11));
                items.Add(new PropertySummary(
                    reader.GetGuid(0), reader.GetString(1), Enum.Parse<PropertyType>(reader.GetString(2)), reader.GetString(3), reader.GetString(4),
                    reader.GetDecimal(5), reader.GetDecimal(6), reader.GetDecimal(7), reader.GetString(8),
                    reader.GetFieldValue<string[]>(9), reader.IsDBNull(10) ? null : reader.GetString(10)));
            }
        }

        string? next = null;
        if (items.Count > criteria.Limit)
        {
            items.RemoveAt(criteria.Limit);
            var last = items[^1];
            // The name key is PostgreSQL's lower(), so the next page compares like with like.
            next = new KeysetCursor(criteria.ByName ? lowerNames[criteria.Limit - 1] : last.FromNightlyRate.ToString(CultureInfo.InvariantCulture), last.Id).Encode();
        }

        return new SearchPage(items, next);
    }

    private static NpgsqlParameter Nullable<T>(string name, T? value) => new(name, (object?)value ?? DBNull.Value);
}

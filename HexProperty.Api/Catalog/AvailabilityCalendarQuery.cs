using HexProperty.Api.Caching;
using HexProperty.Api.Contracts;
using HexProperty.Caching;
using HexProperty.Data.Caching;
using HexProperty.Data.Persistence;
using Microsoft.Extensions.Caching.Hybrid;
using Npgsql;

namespace HexProperty.Api.Catalog;

/// <summary>
/// The nights each active unit of an active property has taken within a window, in one round trip. Cached until
/// the property's units or taken nights change, or until the first hold in it lapses, whichever comes first.
/// </summary>
public sealed class AvailabilityCalendarQuery(ReadReplica reads, HybridCache cache, CacheProfiles profiles, TimeProvider time)
{
    private readonly CacheProfile _profile = profiles[ApiCaching.Availability];

    /// <summary>The calendar, or null when there is no active property with this id.</summary>
    public ValueTask<AvailabilityCalendar?> GetAsync(Guid propertyId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(
            _profile.Key($"{propertyId:N}:{from:yyyyMMdd}:{to:yyyyMMdd}"), (Query: this, PropertyId: propertyId, From: from, To: to),
            static (state, token) => state.Query.ReadAsync(state.PropertyId, state.From, state.To, token),
            _profile.EntryOptions, [CacheTags.Property(propertyId), CacheTags.Occupancy(propertyId)], cancellationToken);

    private async ValueTask<AvailabilityCalendar?> ReadAsync(Guid propertyId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await reads.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("select agency_id from properties where id = $1 and status = 'Active'") { Parameters = { new() { Value = propertyId } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            select u.id, u.name, u.min_nights, u.max_nights, o.check_in, o.check_out, o.block_id is not null, o.expires_at
            from units u
            left join unit_occupancy o
                on o.unit_id = u.id and o.stay && daterange($2, $3, '[)') and (o.expires_at is null or o.expires_at > $4)
            where u.property_id = $1 and u.active
            order by u.name, u.id, o.check_in
            """)
        {
            Parameters = { new() { Value = propertyId }, new() { Value = from }, new() { Value = to }, new() { Value = now } },
        });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            CacheResult.DoNotCache();
            return null;
        }

        CacheResult.AddTags(CacheTags.Agency(reader.GetGuid(0)));
        await reader.NextResultAsync(cancellationToken);
        var units = new List<UnitCalendar>();
        DateTimeOffset? firstLapse = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            var unitId = reader.GetGuid(0);
            if (units.Count == 0 || units[^1].UnitId != unitId)
            {
                units.Add(new UnitCalendar(unitId, reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), new List<OccupiedStay>()));
            }

            if (!reader.IsDBNull(4))
            {
                ((List<OccupiedStay>)units[^1].Unavailable).Add(new OccupiedStay(
                    reader.GetFieldValue<DateOnly>(4), reader.GetFieldValue<DateOnly>(5), reader.GetBoolean(6) ? "blocked" : "booked"));
                if (!reader.IsDBNull(7) && reader.GetFieldValue<DateTimeOffset>(7) is var lapse && (firstLapse is null || lapse < firstLapse))
                {
                    firstLapse = lapse;
                }
            }
        }

        if (firstLapse is { } lapses)
        {
            // A hold frees its nights by lapsing, without a write to invalidate this calendar.
            CacheResult.ExpireAfter(lapses - now);
        }

        return new AvailabilityCalendar(propertyId, from, to, units);
    }
}

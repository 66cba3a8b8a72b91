using HexProperty.Data.Caching;
using HexProperty.Data.Messaging;
using Microsoft.Extensions.Caching.Hybrid;
using Npgsql;

namespace HexProperty.Data.Persistence;

/// <summary>
/// Marks every lapsed hold Expired and frees its nights. Reads and new holds already treat a lapsed hold as
/// free, so this only tidies up the database; it is idempotent, and concurrent runs do no harm. Cached reads are
/// another matter: a hold lapses by time, not by a write, so the calendars and searches showing its nights as taken
/// are invalidated here.
/// </summary>
public static class HoldExpiry
{
    /// <summary>Nights a lapsed hold freed, with the property's place, so cached calendars and searches can be invalidated.</summary>
    public sealed record FreedStay(Guid BookingId, Guid PropertyId, string City, string Country, DateOnly CheckIn, DateOnly CheckOut);

    public static async Task<IReadOnlyList<FreedStay>> ExpireLapsedAsync(
        NpgsqlDataSource dataSource, HybridCache cache, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var freed = await ExpireLapsedAsync(dataSource, now, cancellationToken);
        if (freed.Count > 0)
        {
            // Not cancelled: the holds are expired now, and the cache must hear of it.
            await cache.RemoveByTagAsync(freed.SelectMany(s => CacheTags.OccupancyChanged(s.PropertyId, s.City, s.Country, s.CheckIn, s.CheckOut)), CancellationToken.None);
        }

        return freed;
    }

    private static async Task<IReadOnlyList<FreedStay>> ExpireLapsedAsync(NpgsqlDataSource dataSource, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            with lapsed as (
                update bookings set status = 'Expired', hold_expires_at = null, expired_at = $1
                where status = 'Held' and hold_expires_at <= $1
                returning id, reference, agency_id, property_id, unit_id, check_in, check_out, total, currency
            ), freed as (
                delete from unit_occupancy where booking_id in (select id from lapsed)
            )
            select l.id, p.id, p.city, p.country, l.check_in, l.check_out, l.reference, l.agency_id, l.unit_id, l.total, l.currency
            from lapsed l join properties p on p.id = l.property_id
            """, connection, transaction);
        command.Parameters.AddWithValue(now);
        var freed = new List<FreedStay>();
        var events = new List<IntegrationEvent>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var stay = new FreedStay(
                    reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateOnly>(4), reader.GetFieldValue<DateOnly>(5));
                freed.Add(stay);
                events.Add(new HoldExpired(new BookingFacts(
                    stay.BookingId, reader.GetString(6), reader.GetGuid(7), stay.PropertyId, reader.GetGuid(8), stay.CheckIn, stay.CheckOut,
                    reader.GetDecimal(9), reader.GetString(10)))
                { OccurredAt = now });
            }
        }

        await Outbox.InsertAsync(connection, transaction, events, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return freed;
    }
}

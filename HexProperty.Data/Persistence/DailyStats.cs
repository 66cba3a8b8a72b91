using Npgsql;

namespace HexProperty.Data.Persistence;

/// <summary>
/// Computes the daily figures of properties (table daily_stats) from their bookings and blocks, the one place that
/// says what the dashboard's numbers mean: a night is sold when a Confirmed, CheckedIn or Completed booking covers it;
/// its revenue is the booking's total spread evenly over its nights (cleaning fee and taxes included, rounded to the
/// cent per night); a unit-night is blocked by an active block; arrivals count bookings by status on their check-in day.
/// </summary>
public static class DailyStats
{
    /// <summary>Replaces the figures of the properties for the days [from, to) in the caller's transaction; returns the rows written.</summary>
    public static async Task<int> RecomputeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<Guid> properties, DateOnly from, DateOnly to, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (properties.Count == 0 || from >= to)
        {
            return 0;
        }

        var ids = properties.ToArray();
        await using (var delete = new NpgsqlCommand("delete from daily_stats where property_id = any($1) and day >= $2 and day < $3", connection, transaction))
        {
            delete.Parameters.AddWithValue(ids);
            delete.Parameters.AddWithValue(from);
            delete.Parameters.AddWithValue(to);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var insert = new NpgsqlCommand("""
            with days as (
                select d::date as day from generate_series($2::date, $3::date - 1, interval '1 day') d
            ), sold as (
                select b.property_id, d.day, count(*)::int as nights, sum(round(b.total / (b.check_out - b.check_in), 2)) as revenue
                from bookings b join days d on d.day >= b.check_in and d.day < b.check_out
                where b.property_id = any($1) and b.check_in < $3 and b.check_out > $2 and b.status in ('Confirmed', 'CheckedIn', 'Completed')
                group by 1, 2
            ), blocked as (
                select u.property_id, d.day, count(*)::int as nights
                from blocks k join units u on u.id = k.unit_id join days d on d.day >= k.start_date and d.day < k.end_date
                where u.property_id = any($1) and k.active and k.start_date < $3 and k.end_date > $2
                group by 1, 2
            ), arrivals as (
                select b.property_id, b.check_in as day,
                    count(*) filter (where b.status = 'Held')::int as held,
                    count(*) filter (where b.status in ('Confirmed', 'CheckedIn'))::int as confirmed,
                    count(*) filter (where b.status = 'Completed')::int as completed,
                    count(*) filter (where b.status = 'Cancelled')::int as cancelled,
                    count(*) filter (where b.status = 'Expired')::int as expired
                from bookings b
                where b.property_id = any($1) and b.check_in >= $2 and b.check_in < $3
                group by 1, 2
            ), keys as (
                select property_id, day from sold union select property_id, day from blocked union select property_id, day from arrivals
            )
            insert into daily_stats (property_id, day, agency_id, nights_sold, nights_blocked, revenue,
                arrivals_held, arrivals_confirmed, arrivals_completed, arrivals_cancelled, arrivals_expired, computed_at)
            select k.property_id, k.day, p.agency_id, coalesce(s.nights, 0), coalesce(bl.nights, 0), coalesce(s.revenue, 0),
                coalesce(a.held, 0), coalesce(a.confirmed, 0), coalesce(a.completed, 0), coalesce(a.cancelled, 0), coalesce(a.expired, 0), $4
            from keys k
            join properties p on p.id = k.property_id
            left join sold s on s.property_id = k.property_id and s.day = k.day
            left join blocked bl on bl.property_id = k.property_id and bl.day = k.day
            left join arrivals a on a.property_id = k.property_id and a.day = k.day
            """, connection, transaction);
        insert.CommandTimeout = 300; // a rebuild of years of a large agency; callers cancel through the token
        insert.Parameters.AddWithValue(ids);
        insert.Parameters.AddWithValue(from);
        insert.Parameters.AddWithValue(to);
        insert.Parameters.AddWithValue(now);
        return await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A stale range taken off the queue: recompute this property's days [From, To).</summary>
    public readonly record struct StaleRange(Guid PropertyId, Guid AgencyId, DateOnly From, DateOnly To);

    /// <summary>
    /// Takes every stale mark (in the caller's transaction, so a failed recompute puts them back) merged per property.
    /// Marks written after this statement began stay for the next run.
    /// </summary>
    public static async Task<IReadOnlyList<StaleRange>> TakeStaleAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var take = new NpgsqlCommand("""
            with taken as (delete from daily_stats_stale returning property_id, first_day, last_day)
            select t.property_id, p.agency_id, min(t.first_day), max(t.last_day) + 1
            from taken t join properties p on p.id = t.property_id
            group by t.property_id, p.agency_id
            """, connection, transaction);
        await using var reader = await take.ExecuteReaderAsync(cancellationToken);
        var ranges = new List<StaleRange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ranges.Add(new(reader.GetGuid(0), reader.GetGuid(1), reader.GetFieldValue<DateOnly>(2), reader.GetFieldValue<DateOnly>(3)));
        }

        return ranges;
    }
}

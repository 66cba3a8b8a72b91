using HexProperty.Api.Contracts;
using Npgsql;

namespace HexProperty.Api.Bookings;

/// <summary>Reads of a unit's taken nights (table unit_occupancy); a hold past its expiry counts as free here.</summary>
public sealed class Occupancy(NpgsqlDataSource dataSource)
{
    /// <summary>PostgreSQL's exclusion_violation: the database refused an overlapping stay.</summary>
    public const string OverlapSqlState = "23P01";

    /// <summary>The live stays overlapping [checkIn, checkOut), other than the given block's own.</summary>
    public async Task<IReadOnlyList<OccupiedStay>> OverlappingAsync(
        Guid unitId, DateOnly checkIn, DateOnly checkOut, DateTimeOffset now, CancellationToken cancellationToken, Guid? exceptBlock = null)
    {
        await using var command = dataSource.CreateCommand("""
            select check_in, check_out, block_id is not null
            from unit_occupancy
            where unit_id = $1 and stay && daterange($2, $3, '[)') and (expires_at is null or expires_at > $4)
              and ($5::uuid is null or block_id is distinct from $5)
            order by check_in
            """);
        command.Parameters.AddWithValue(unitId);
        command.Parameters.AddWithValue(checkIn);
        command.Parameters.AddWithValue(checkOut);
        command.Parameters.AddWithValue(now);
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = exceptBlock, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var stays = new List<OccupiedStay>();
        while (await reader.ReadAsync(cancellationToken))
        {
            stays.Add(new OccupiedStay(reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1), reader.GetBoolean(2) ? "blocked" : "booked"));
        }

        return stays;
    }

    /// <summary>
    /// Makes writers of one unit's nights take turns until the transaction ends. The exclusion constraint alone is
    /// correct, but PostgreSQL checks it after inserting, so two concurrent overlapping inserts can deadlock and
    /// wait a second for detection; queued on this lock, the second simply finds the first's row and is refused.
    /// </summary>
    public static Task LockUnitAsync(Microsoft.EntityFrameworkCore.DbContext db, Guid unitId, CancellationToken cancellationToken) =>
        Infrastructure.TransactionLock.AcquireAsync(db, "unit", unitId.ToString(), cancellationToken);

    /// <summary>
    /// Releases holds that lapsed on these nights (deletes their rows, marks them Expired), so a hold no one will pay
    /// never stands in the way of a new stay or block, whether or not the sweeper has run. Safe on its own: a lapsed
    /// hold cannot come back.
    /// </summary>
    public async Task ExpireLapsedHoldsAsync(Guid unitId, DateOnly checkIn, DateOnly checkOut, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            with lapsed as (
                delete from unit_occupancy
                where unit_id = $1 and stay && daterange($2, $3, '[)') and expires_at <= $4
                returning booking_id
            )
            update bookings set status = 'Expired', hold_expires_at = null, expired_at = $4
            where id in (select booking_id from lapsed) and status = 'Held'
            """);
        command.Parameters.AddWithValue(unitId);
        command.Parameters.AddWithValue(checkIn);
        command.Parameters.AddWithValue(checkOut);
        command.Parameters.AddWithValue(now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static Dictionary<string, object?> ConflictExtensions(IReadOnlyList<OccupiedStay> stays) => new() { ["conflicts"] = stays };

    public static string Describe(IReadOnlyList<OccupiedStay> stays) =>
        stays.Count == 0
            ? "Those nights were just taken."
            : "Those nights are not available: " + string.Join("; ", stays.Select(s => $"{s.CheckIn:yyyy-MM-dd} to {s.CheckOut:yyyy-MM-dd} is {s.Reason}")) + ".";

    public static bool IsOverlap(Exception e) => e is PostgresException { SqlState: OverlapSqlState } || e.InnerException is PostgresException { SqlState: OverlapSqlState };
}

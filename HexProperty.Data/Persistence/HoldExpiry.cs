using Npgsql;

namespace HexProperty.Data.Persistence;

/// <summary>
/// Marks every lapsed hold Expired and frees its nights. Reads and new holds already treat a lapsed hold as
/// free, so this only tidies up; it is idempotent, and concurrent runs do no harm.
/// </summary>
public static class HoldExpiry
{
    public static async Task<int> ExpireLapsedAsync(NpgsqlDataSource dataSource, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            with lapsed as (
                update bookings set status = 'Expired', hold_expires_at = null, expired_at = $1
                where status = 'Held' and hold_expires_at <= $1
                returning id
            ), freed as (
                delete from unit_occupancy where booking_id in (select id from lapsed)
            )
            select count(*) from lapsed
            """);
        command.Parameters.AddWithValue(now);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}

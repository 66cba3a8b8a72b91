using System.Text.Json;
using HexProperty.Data.Jobs;
using Npgsql;

namespace HexProperty.Seed;

/// <summary>
/// An agency of any size in seconds, for the Worker's tests and the export benchmark: one staff user (Owner), one
/// property and unit, one guest, and N Confirmed one-night bookings spread over 700 days from 2026-01-01, written by
/// SQL in one statement per table (the daily-statistics trigger is off while they load). The name, the guest's line
/// break and the property's quotes and commas make the CSV escaping visible in an export.
/// </summary>
public static class BulkAgency
{
    public sealed record Created(Guid AgencyId, Guid UserId, string UserEmail, Guid PropertyId);

    public static async Task<Created> CreateAsync(NpgsqlDataSource dataSource, string name, int bookings, CancellationToken cancellationToken = default)
    {
        var agency = Guid.NewGuid();
        var user = Guid.NewGuid();
        var property = Guid.NewGuid();
        var unit = Guid.NewGuid();
        var guest = Guid.NewGuid();
        var email = $"staff-{agency:N}@bulk.hexproperty.test";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            create sequence if not exists bulk_agency_references;
            insert into agencies (id, name, created_at) values (@agency, @name, now());
            insert into staff_users (id, agency_id, email, display_name, role, password_hash, created_at) values (@user, @agency, @email, 'Bulk owner', 'Owner', 'x', now());
            insert into properties (id, agency_id, name, type, address_line, city, country, latitude, longitude, status, cancellation_policy, currency, time_zone, created_at, updated_at)
                values (@property, @agency, 'Test house, "quoted", with commas', 'House', '1 Road', 'Lisbon', 'PT', 38.7, -9.1, 'Active', 'Flexible', 'EUR', 'Europe/Lisbon', now(), now());
            insert into units (id, property_id, agency_id, name, capacity, bedrooms, base_nightly_rate, cleaning_fee, min_nights, max_nights, created_at, updated_at)
                values (@unit, @property, @agency, 'Unit', 4, 2, 100, 0, 1, 30, now(), now());
            insert into guests (id, email, full_name, created_at) values (@guest, @email, E'Guest\nWith A Line Break', now());
            alter table bookings disable trigger bookings_daily_stats;
            insert into bookings (id, reference, agency_id, property_id, unit_id, guest_id, check_in, check_out, guests, status, quote, total, currency, source, created_at, confirmed_at)
                select gen_random_uuid(), 'T' || lpad(to_hex(nextval('bulk_agency_references')), 7, '0'), @agency, @property, @unit, @guest,
                    date '2026-01-01' + (i % 700), date '2026-01-02' + (i % 700), 2, 'Confirmed', '{}'::jsonb, 100 + (i % 50), 'EUR', 'Web', now(), now()
                from generate_series(1, @bookings) i;
            alter table bookings enable trigger bookings_daily_stats;
            """, connection);
        command.Parameters.AddWithValue("agency", agency);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("user", user);
        command.Parameters.AddWithValue("property", property);
        command.Parameters.AddWithValue("unit", unit);
        command.Parameters.AddWithValue("guest", guest);
        command.Parameters.AddWithValue("email", email);
        command.Parameters.AddWithValue("bookings", bookings);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new Created(agency, user, email, property);
    }

    /// <summary>Queues a job for the agency's user and wakes the Worker, as the Api's POST /api/staff/jobs does.</summary>
    public static async Task<Guid> EnqueueJobAsync(NpgsqlDataSource dataSource, Created agency, string type, object parameters, int priority = 5, CancellationToken cancellationToken = default) =>
        (await EnqueueJobsAsync(dataSource, agency, [(type, parameters, priority)], cancellationToken))[0];

    /// <summary>Queues several jobs in one transaction, so the Worker sees them all at once.</summary>
    public static async Task<IReadOnlyList<Guid>> EnqueueJobsAsync(
        NpgsqlDataSource dataSource, Created agency, IReadOnlyList<(string Type, object Parameters, int Priority)> jobs, CancellationToken cancellationToken = default)
    {
        var ids = new List<Guid>(jobs.Count);
        await using var batch = dataSource.CreateBatch();
        foreach (var (type, parameters, priority) in jobs)
        {
            var id = Guid.CreateVersion7();
            var insert = new NpgsqlBatchCommand("""
                insert into jobs (id, agency_id, user_id, type, parameters, priority, status, created_at) values ($1, $2, $3, $4, $5::jsonb, $6, 'Queued', now())
                """);
            insert.Parameters.AddWithValue(id);
            insert.Parameters.AddWithValue(agency.AgencyId);
            insert.Parameters.AddWithValue(agency.UserId);
            insert.Parameters.AddWithValue(type);
            insert.Parameters.AddWithValue(JsonSerializer.Serialize(parameters, parameters.GetType(), JobTypes.Json));
            insert.Parameters.AddWithValue((short)priority);
            batch.BatchCommands.Add(insert);
            ids.Add(id);
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("select pg_notify('jobs_queued', '')"));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return ids;
    }
}

using HexProperty.Data.Persistence;
using HexProperty.Hosting;
using HexProperty.Hosting.Postgres;
using HexProperty.Hosting.RabbitMQ;
using HexProperty.Hosting.Redis;
using HexProperty.Hosting.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace HexProperty.Worker.Tests;

/// <summary>
/// Real PostgreSQL (migrated), Redis and RabbitMQ started by the orchestrator, and the Worker hosted in-process against
/// them as it runs in production: job runner, event consumers, relay, schedules. Export files and mail go to a
/// temporary folder. Agencies with many bookings are made by SQL (<see cref="AgencyWithBookingsAsync"/>).
/// </summary>
public sealed class WorkerFixture : IAsyncLifetime
{
    private DistributedApplication _servers = null!;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public WebApplicationFactory<Program> Worker { get; private set; } = null!;

    public string Files { get; } = Directory.CreateTempSubdirectory("hexproperty-worker-tests-").FullName;

    public string Exports => Path.Combine(Files, "exports");

    public string Mail => Path.Combine(Files, "mail");

    public async Task InitializeAsync()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddPostgres("postgres").AddDatabase("hexdb");
        builder.AddRedis("cache");
        builder.AddRabbitMQ("messaging");
        _servers = await builder.BuildAsync();
        await _servers.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        foreach (var resource in new[] { "hexdb", "cache", "messaging" })
        {
            await _servers.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        var database = await _servers.GetConnectionStringAsync("hexdb");
        DataSource = NpgsqlDataSource.Create(database);
        await new MigrationRunner(DataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(CancellationToken.None);
        // The Worker reads its settings while Program builds the host; the environment is read first.
        Environment.SetEnvironmentVariable("ConnectionStrings__hexdb", database);
        Environment.SetEnvironmentVariable("ConnectionStrings__cache", await _servers.GetConnectionStringAsync("cache"));
        Environment.SetEnvironmentVariable("ConnectionStrings__messaging", await _servers.GetConnectionStringAsync("messaging"));
        Environment.SetEnvironmentVariable("Exports__Path", Exports);
        Environment.SetEnvironmentVariable("Email__PickupFolder", Mail);
        Environment.SetEnvironmentVariable("Jobs__ProgressInterval", "00:00:00.100");
        Environment.SetEnvironmentVariable("Jobs__PollInterval", "00:00:00.200");
        Worker = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web.UseEnvironment("Production"));
        Worker.CreateClient().Dispose(); // starts the host
    }

    public sealed record TestAgency(Guid AgencyId, Guid UserId, string UserEmail, Guid PropertyId);

    /// <summary>
    /// An agency with one staff user, one property and unit, and <paramref name="bookings"/> Confirmed bookings (one
    /// night each, spread over days from 2026-01-01), written by SQL in one statement per table.
    /// </summary>
    public async Task<TestAgency> AgencyWithBookingsAsync(int bookings)
    {
        var agency = Guid.NewGuid();
        var user = Guid.NewGuid();
        var property = Guid.NewGuid();
        var unit = Guid.NewGuid();
        var guest = Guid.NewGuid();
        var email = $"staff-{agency:N}@worker.test";
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("""
            create sequence if not exists worker_test_references;
            insert into agencies (id, name, created_at) values (@agency, 'Worker tests', now());
            insert into staff_users (id, agency_id, email, display_name, role, password_hash, created_at) values (@user, @agency, @email, 'Tester', 'Owner', 'x', now());
            insert into properties (id, agency_id, name, type, address_line, city, country, latitude, longitude, status, cancellation_policy, currency, time_zone, created_at, updated_at)
                values (@property, @agency, 'Test house, "quoted", with commas', 'House', '1 Road', 'Lisbon', 'PT', 38.7, -9.1, 'Active', 'Flexible', 'EUR', 'Europe/Lisbon', now(), now());
            insert into units (id, property_id, agency_id, name, capacity, bedrooms, base_nightly_rate, cleaning_fee, min_nights, max_nights, created_at, updated_at)
                values (@unit, @property, @agency, 'Unit', 4, 2, 100, 0, 1, 30, now(), now());
            insert into guests (id, email, full_name, created_at) values (@guest, @email, E'Guest\nWith A Line Break', now());
            alter table bookings disable trigger bookings_daily_stats;
            insert into bookings (id, reference, agency_id, property_id, unit_id, guest_id, check_in, check_out, guests, status, quote, total, currency, source, created_at, confirmed_at)
                select gen_random_uuid(), 'T' || lpad(to_hex(nextval('worker_test_references')), 7, '0'), @agency, @property, @unit, @guest,
                    date '2026-01-01' + (i % 700), date '2026-01-02' + (i % 700), 2, 'Confirmed', '{}'::jsonb, 100 + (i % 50), 'EUR', 'Web', now(), now()
                from generate_series(1, @bookings) i;
            alter table bookings enable trigger bookings_daily_stats;
            """, connection);
        command.Parameters.AddWithValue("agency", agency);
        command.Parameters.AddWithValue("user", user);
        command.Parameters.AddWithValue("property", property);
        command.Parameters.AddWithValue("unit", unit);
        command.Parameters.AddWithValue("guest", guest);
        command.Parameters.AddWithValue("email", email);
        command.Parameters.AddWithValue("bookings", bookings);
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync();
        return new TestAgency(agency, user, email, property);
    }

    public async Task DisposeAsync()
    {
        await Worker.DisposeAsync();
        await DataSource.DisposeAsync();
        await _servers.DisposeAsync();
        Directory.Delete(Files, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class WorkerCollection : ICollectionFixture<WorkerFixture>
{
    public const string Name = "worker";
}

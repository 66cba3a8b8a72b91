extern alias seed;
using HexProperty.Data.Persistence;
using HexProperty.Hosting.Postgres;
using HexProperty.Hosting.RabbitMQ;
using HexProperty.Hosting.Redis;
using HexProperty.Testing;
using HexProperty.Worker.Jobs;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using seed::HexProperty.Seed;

namespace HexProperty.Worker.Tests;

/// <summary>
/// Real PostgreSQL (migrated), Redis and RabbitMQ run as the AppHost runs them, and the Worker hosted in-process against
/// them as it runs in production: job runner, event consumers, relay, schedules. Export files and mail go to a
/// temporary folder. Agencies with many bookings are made by SQL (<see cref="AgencyWithBookingsAsync"/>).
/// </summary>
public sealed class WorkerFixture : IAsyncLifetime
{
    private TestServers _servers = null!;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public WebApplicationFactory<Program> Worker { get; private set; } = null!;

    public string Files { get; } = Directory.CreateTempSubdirectory("hexproperty-worker-tests-").FullName;

    public string Exports => Path.Combine(Files, "exports");

    public string Mail => Path.Combine(Files, "mail");

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync("worker", builder =>
        {
            builder.AddLocalPostgres("postgres").AddDatabase("hexdb");
            builder.AddLocalRedis("cache");
            builder.AddLocalRabbitMQ("messaging");
        });
        var database = await _servers.ConnectionStringAsync("hexdb");
        DataSource = NpgsqlDataSource.Create(database);
        await new MigrationRunner(DataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(CancellationToken.None);
        // The Worker reads its settings while Program builds the host; the environment is read first.
        Environment.SetEnvironmentVariable("ConnectionStrings__hexdb", database);
        Environment.SetEnvironmentVariable("ConnectionStrings__cache", await _servers.ConnectionStringAsync("cache"));
        Environment.SetEnvironmentVariable("ConnectionStrings__messaging", await _servers.ConnectionStringAsync("messaging"));
        Environment.SetEnvironmentVariable("Exports__Path", Exports);
        Environment.SetEnvironmentVariable("Email__PickupFolder", Mail);
        Environment.SetEnvironmentVariable("Jobs__ProgressInterval", "00:00:00.100");
        Environment.SetEnvironmentVariable("Jobs__PollInterval", "00:00:00.200");
        Environment.SetEnvironmentVariable("Photos__PollInterval", "00:00:00.200");
        Worker = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.ConfigureTestServices(services => services.AddSingleton<IJobHandler, CleanupFailsHandler>());
        });
        Worker.CreateClient().Dispose(); // starts the host
    }

    /// <summary>An agency with one user, property and unit and <paramref name="bookings"/> Confirmed bookings (<see cref="BulkAgency"/>).</summary>
    public Task<BulkAgency.Created> AgencyWithBookingsAsync(int bookings) => BulkAgency.CreateAsync(DataSource, "Worker tests", bookings);

    /// <summary>Runs a statement with positional parameters ($1, $2, ...); returns the rows it touched.</summary>
    public async Task<int> ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters) => (T)(await ScalarOrNullAsync<object>(sql, parameters))!;

    public async Task<T?> ScalarOrNullAsync<T>(string sql, params object[] parameters)
        where T : class
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteScalarAsync() as T;
    }

    /// <summary>Polls a query that answers one boolean until it answers true, for up to 30 s.</summary>
    public Task UntilAsync(string sql, params object[] parameters) =>
        EventuallyAsync(async () => await ScalarAsync<bool>(sql, parameters) ? sql : null);

    /// <summary>Polls <paramref name="read"/> until it gives a value, for up to 30 s.</summary>
    public static Task<T> EventuallyAsync<T>(Func<Task<T?>> read)
        where T : class => Eventually.ValueAsync(read, () => "no value came");

    public async Task DisposeAsync()
    {
        await Worker.DisposeAsync();
        await DataSource.DisposeAsync();
        await _servers.DisposeAsync();
        Directory.Delete(Files, recursive: true);
    }

    private NpgsqlCommand Command(string sql, object[] parameters)
    {
        var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return command;
    }
}

[CollectionDefinition(Name)]
public sealed class WorkerCollection : ICollectionFixture<WorkerFixture>
{
    public const string Name = "worker";
}

/// <summary>
/// A job type of the tests: with parameters <c>{"cleanupFails": true}</c> it leaves a "partial file" the runner cannot
/// delete (a directory at that path) and fails, so the runner's cleanup after it throws; otherwise it succeeds.
/// </summary>
public sealed class CleanupFailsHandler : IJobHandler
{
    public const string JobType = "test-cleanup";

    public string Type => JobType;

    public static string UndeletablePath(Guid jobId) => Path.Combine(Path.GetTempPath(), $"hexproperty-undeletable-{jobId:N}");

    public Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        if (!job.Parameters.Contains("cleanupFails", StringComparison.Ordinal))
        {
            return Task.CompletedTask;
        }

        job.Result = new JobResultFile(Directory.CreateDirectory(UndeletablePath(job.Id)).FullName, 0, "");
        throw new InvalidOperationException("the job failed, leaving a partial file behind");
    }
}

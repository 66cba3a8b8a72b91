using HexProperty.Caching;
using HexProperty.Data.Persistence;
using HexProperty.Hosting.Postgres;
using HexProperty.Hosting.Redis;
using HexProperty.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace HexProperty.Api.Tests;

/// <summary>
/// Real PostgreSQL and Redis, started as the AppHost starts them (Debian's binaries under DCP), the schema migrated as
/// the AppHost's migration step does, and the Api hosted in-process against them with a clock the tests control. Every
/// test creates its own agency, so tests never share data.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private readonly List<WebApplicationFactory<Program>> _factories = [];
    private WebApplicationFactory<Program>? _replica;

    public TestServers Servers { get; private set; } = null!;

    public TestClock Clock { get; } = new();

    /// <summary>Where the Api looks for export files (the Worker writes them there in production).</summary>
    public string ExportsPath { get; } = Directory.CreateTempSubdirectory("hexproperty-api-exports-").FullName;

    public string DatabaseConnectionString { get; private set; } = null!;

    public WebApplicationFactory<Program> Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Servers = await TestServers.StartAsync("api", builder =>
        {
            builder.AddLocalPostgres("postgres").AddDatabase("hexdb");
            builder.AddLocalRedis("cache");
        });
        DatabaseConnectionString = await Servers.ConnectionStringAsync("hexdb");
        await using (var dataSource = Npgsql.NpgsqlDataSource.Create(DatabaseConnectionString))
        {
            await new MigrationRunner(dataSource, Microsoft.Extensions.Logging.Abstractions.NullLogger<MigrationRunner>.Instance).ApplyAsync(CancellationToken.None);
        }
        // The Api reads its connection strings while Program builds the host; the environment is read first.
        Environment.SetEnvironmentVariable("ConnectionStrings__hexdb", DatabaseConnectionString);
        Environment.SetEnvironmentVariable("ConnectionStrings__cache", await Servers.ConnectionStringAsync("cache"));
        Environment.SetEnvironmentVariable("Exports__Path", ExportsPath);
        Api = StartApi();
        Api.CreateClient().Dispose(); // starts the host now, not in the first test
    }

    /// <summary>Another Api instance on the same database, as a second replica would be.</summary>
    public WebApplicationFactory<Program> StartApi()
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        });
        _factories.Add(factory);
        return factory;
    }

    public HttpClient Client() => Api.CreateClient();

    /// <summary>A second Api instance (started on first use) whose cache is connected to Redis: another node of the same system.</summary>
    public async Task<WebApplicationFactory<Program>> ReplicaAsync()
    {
        _replica ??= StartApi();
        _replica.CreateClient().Dispose();
        await WaitForCacheAsync(_replica);
        await WaitForCacheAsync(Api);
        return _replica;
    }

    /// <summary>Waits until an Api instance's cache uses Redis (at start, and again after an outage).</summary>
    public static Task WaitForCacheAsync(WebApplicationFactory<Program> api, TimeSpan? timeout = null)
    {
        var cache = api.Services.GetRequiredService<LayeredHybridCache>();
        return Eventually.TrueAsync(() => cache.IsConnected, "the Api's cache did not connect to Redis", timeout);
    }

    /// <summary>Kills redis-server the way a crash would; its supervisor starts it again.</summary>
    public async Task KillRedisAsync(Func<Task> whileDown)
    {
        var killed = Servers.KillServer("cache");
        await whileDown();
        await Servers.WaitRestartedAsync("cache", killed, TimeSpan.FromMinutes(1));
    }

    public async Task DisposeAsync()
    {
        foreach (var factory in _factories)
        {
            await factory.DisposeAsync();
        }

        await Servers.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}

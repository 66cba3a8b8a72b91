using HexProperty.Caching;
using HexProperty.Data.Persistence;
using HexProperty.Hosting.Postgres;
using HexProperty.Hosting.Redis;
using HexProperty.Testing;
using Microsoft.AspNetCore.Builder;
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

    /// <summary>The bearer token Alertmanager sends with its notifications (the AppHost generates one per installation).</summary>
    public const string AlertmanagerToken = "test-alertmanager-token-0123456789";

    /// <summary>A client that posts as Alertmanager does.</summary>
    public HttpClient Alertmanager()
    {
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AlertmanagerToken);
        return client;
    }

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
        Environment.SetEnvironmentVariable("Alerts__WebhookToken", AlertmanagerToken);
        Api = StartApi();
        Api.CreateClient().Dispose(); // starts the host now, not in the first test
    }

    /// <summary>
    /// Another Api instance on the same database, as a second replica would be. Every test's requests come from one
    /// address here, so the abuse limits are raised out of the way unless <paramref name="shippedLimits"/>; the tests of
    /// the limits themselves run on an instance with the limits as shipped.
    /// </summary>
    public WebApplicationFactory<Program> StartApi(bool shippedLimits = false, Action<IWebHostBuilder>? configure = null)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(Clock);
                services.AddSingleton<IStartupFilter, ClientAddressFilter>();
            });
            if (!shippedLimits)
            {
                foreach (var limit in HexProperty.Api.Infrastructure.AbuseLimits.Names)
                {
                    web.UseSetting($"RateLimits:{limit}:PermitLimit", "1000000");
                }
            }

            configure?.Invoke(web);
        });
        lock (_factories)
        {
            _factories.Add(factory);
        }

        return factory;
    }

    public HttpClient Client() => Api.CreateClient();

    /// <summary>Tells every Api instance to reread a staff member's access now, after a test changed it in the database.</summary>
    public void ForgetStaffAccess(Guid userId)
    {
        // Tests run in parallel: one may start an instance, or stop its own, while another tells them all.
        WebApplicationFactory<Program>[] factories;
        lock (_factories)
        {
            factories = [.. _factories];
        }

        foreach (var factory in factories)
        {
            try
            {
                HexProperty.Api.Identity.StaffAccess.Forget(factory.Services.GetRequiredService<Microsoft.Extensions.Caching.Memory.IMemoryCache>(), userId);
            }
            catch (ObjectDisposedException)
            {
                // an instance a test started and has stopped: nothing of it to tell
            }
        }
    }

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

/// <summary>
/// The in-process server has no client address; this gives each request the address in header
/// <see cref="Header"/>, or loopback (where the balancer would be) when there is none.
/// </summary>
public sealed class ClientAddressFilter : IStartupFilter
{
    public const string Header = "X-Test-Remote-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, following) =>
        {
            context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(context.Request.Headers[Header].FirstOrDefault() ?? "127.0.0.1");
            return following(context);
        });
        next(app);
    };
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}

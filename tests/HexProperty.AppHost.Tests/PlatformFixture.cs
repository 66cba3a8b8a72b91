using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using HexProperty.Hosting;
using HexProperty.Testing;

namespace HexProperty.AppHost.Tests;

/// <summary>
/// One running HexProperty for the platform and site tests: the AppHost's own model through Aspire.Hosting.Testing, with
/// two Api and two Web replicas behind their balancers, and the Aspire dashboard, to which every service exports its telemetry as in development. Its
/// servers keep their data in a test folder of their own.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public const int ApiReplicas = 2;
    public const int WebReplicas = 2;

    /// <summary>Every resource the AppHost starts, the balancers' replicas included.</summary>
    public static readonly string[] Resources =
    [
        "postgres", "hexdb", "postgres-standby", "cache", "messaging-epmd", "messaging", "api", .. ReplicaNames("api", ApiReplicas), "worker", "web", .. ReplicaNames("web", WebReplicas),
        "postgres-exporter", "postgres-standby-exporter", "cache-exporter", "alertmanager", "prometheus",
    ];

    public static IEnumerable<string> ReplicaNames(string service, int count) => Enumerable.Range(1, count).Select(i => $"{service}-{i}");

    private readonly ConcurrentDictionary<string, ResourceEvent> _instances = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TestDataFolder _data = new("platform");
    private Task _watching = Task.CompletedTask;

    public DistributedApplication App { get; private set; } = null!;

    public DashboardTelemetry Telemetry { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HexProperty_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = true },
            [$"--{LocalServers.DataPathKey}={_data.Path}", $"--Balancing:api:Replicas={ApiReplicas}", $"--Balancing:web:Replicas={WebReplicas}"]);
        builder.Configuration["AppHost:DashboardApiKey"] = DashboardTelemetry.ApiKey;
        foreach (var api in builder.Resources.OfType<ProjectResource>().Where(r => ReplicaNames("api", ApiReplicas).Contains(r.Name)).Select(builder.CreateResourceBuilder))
        {
            // Every test's visitors come from one address; the limits themselves are tested in HexProperty.Api.Tests.
            foreach (var limit in new[] { "sign-in", "refresh", "sign-up", "booking-lookup", "holds-and-payments", "anonymous" })
            {
                api.WithEnvironment($"RateLimits__{limit}__PermitLimit", "1000000");
            }

            // Tests change staff access in the database (an operator flag) and expect the next request to see it.
            api.WithEnvironment("StaffAccess__Recheck", "00:00:00.001");
        }

        App = await builder.BuildAsync();
        _watching = WatchAsync(App.ResourceNotifications, _stop.Token);
        await App.StartAsync();
        await WaitUntilRunningAsync(App, TimeSpan.FromMinutes(3));
        Telemetry = new DashboardTelemetry(await App.GetDashboardUrlAsync());
    }

    /// <summary>Every resource of the AppHost healthy, the migration step finished.</summary>
    public static async Task WaitUntilRunningAsync(DistributedApplication app, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await app.ResourceNotifications.WaitForResourceAsync("migrations", KnownResourceStates.Finished, cancellation.Token);
        foreach (var name in Resources)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, cancellation.Token);
        }
    }

    /// <summary>The latest state of each instance of a resource (replicas apart), in a stable order.</summary>
    public IReadOnlyList<ResourceEvent> Instances(string resource) =>
        [.. _instances.Values.Where(e => e.Resource.Name == resource).OrderBy(e => e.ResourceId, StringComparer.Ordinal)];

    public static int Pid(ResourceEvent instance) =>
        Convert.ToInt32(instance.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The environment Aspire gave an instance's process, with values resolved.</summary>
    public static IReadOnlyDictionary<string, string?> Environment(ResourceEvent instance) =>
        instance.Snapshot.EnvironmentVariables.ToDictionary(e => e.Name, e => e.Value);

    private async Task WatchAsync(ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken))
            {
                _instances[update.ResourceId] = update;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watching;
        await App.DisposeAsync();
        _data.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}

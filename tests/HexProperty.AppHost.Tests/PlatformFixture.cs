using HexProperty.Hosting;
using HexProperty.Hosting.Projects;
using HexProperty.Hosting.Testing;

namespace HexProperty.AppHost.Tests;

/// <summary>
/// One running HexProperty for the platform tests: the AppHost's own model, with two Api replicas, every service
/// exporting its telemetry to the AppHost's dashboard as in development.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public const int ApiReplicas = 2;

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>The dashboard's store of what the services exported: their spans and structured logs.</summary>
    public HexProperty.Dashboard.Telemetry.TelemetryStore Telemetry => App.Dashboard!.Telemetry;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>();
        builder.GetResource<ProjectResource>("api").WithReplicas(ApiReplicas);
        App = await builder.BuildAsync();
        await App.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        foreach (var name in App.ResourceNotifications.ResourceNames)
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
        }
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}

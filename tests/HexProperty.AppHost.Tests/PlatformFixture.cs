using HexProperty.Hosting;
using HexProperty.Hosting.Projects;
using HexProperty.Hosting.Testing;

namespace HexProperty.AppHost.Tests;

/// <summary>
/// One running HexProperty for the platform tests: the AppHost's own model, with two Api replicas and every
/// service exporting its telemetry to a test OTLP collector.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public const int ApiReplicas = 2;

    public DistributedApplication App { get; private set; } = null!;

    public OtlpCollector Telemetry { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Telemetry = await OtlpCollector.StartAsync();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>([$"--AppHost:OtlpEndpoint={Telemetry.Endpoint}"]);
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
        await Telemetry.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using HexProperty.Hosting;
using HexProperty.Hosting.Monitoring;
using HexProperty.Testing;

namespace HexProperty.AppHost.Tests;

/// <summary>Prometheus' targets come from the AppHost's model: a replica more in configuration is a target more, with
/// no file edited; nothing of the monitoring is in the manifest.</summary>
public sealed class MonitoringModelTests
{
    [Fact]
    public async Task A_third_replica_in_configuration_is_scraped_like_the_others_on_a_metrics_port_of_its_own()
    {
        using var data = new TestDataFolder("model");
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HexProperty_AppHost>(
            [$"--{LocalServers.DataPathKey}={data.Path}", "--Balancing:api:Replicas=3"]);
        var targets = builder.Resources.SelectMany(r => r.Annotations.OfType<ScrapeTargetAnnotation>().Select(t => (Resource: r, Target: t))).ToList();

        Assert.Equal(["api-1", "api-2", "api-3"], targets.Where(t => t.Target.Job == "api").Select(t => t.Target.Instance).Order(StringComparer.Ordinal));
        var api3 = targets.Single(t => t.Target.Instance == "api-3");
        var metrics = api3.Resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "metrics");
        Assert.Equal(api3.Target.Port, metrics.Port);
        Assert.False(metrics.IsProxied);
        Assert.Equal(targets.Count, targets.Select(t => t.Target.Port).Distinct().Count());
        Assert.Contains(builder.Resources, r => r.Name == "prometheus");
        Assert.Contains(builder.Resources, r => r.Name == "alertmanager");
    }
}

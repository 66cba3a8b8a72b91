using HexProperty.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace HexProperty.Hosting.Testing;

/// <summary>What a test asks of a running application: clients, connection strings, endpoints.</summary>
public static class DistributedApplicationTestingExtensions
{
    /// <summary>An HttpClient whose base address is the project's endpoint (of the given replica).</summary>
    public static HttpClient CreateHttpClient(this DistributedApplication app, string resourceName, string? endpointName = null, int replica = 0) =>
        new() { BaseAddress = app.GetEndpoint(resourceName, endpointName, replica) };

    public static Uri GetEndpoint(this DistributedApplication app, string resourceName, string? endpointName = null, int replica = 0)
    {
        var resource = app.GetResource<IResourceWithEndpoints>(resourceName);
        var endpoint = endpointName is null
            ? resource.Endpoints[0]
            : resource.Endpoints.SingleOrDefault(e => e.Name == endpointName)
                ?? throw new ArgumentException($"'{resourceName}' has no endpoint named '{endpointName}'.", nameof(endpointName));
        return new Uri(endpoint.GetUrl(replica));
    }

    public static ValueTask<string> GetConnectionStringAsync(this DistributedApplication app, string resourceName, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(app.GetResource<IResourceWithConnectionString>(resourceName).GetConnectionString());

    public static T GetResource<T>(this DistributedApplication app, string resourceName)
        where T : IResource =>
        app.Services.GetRequiredService<DistributedApplicationModel>().Resources.SingleOrDefault(r => r.Name == resourceName) is T resource
            ? resource
            : throw new ArgumentException($"The application has no {typeof(T).Name} named '{resourceName}'.", nameof(resourceName));

    /// <summary>SIGKILLs a resource's (first) process, the way a crash looks to its clients; returns its restart count before.</summary>
    public static int KillInstance(this DistributedApplication app, string resourceName)
    {
        var instance = app.ResourceNotifications.GetInstances(resourceName)[0];
        using var process = System.Diagnostics.Process.GetProcessById(instance.ProcessId!.Value);
        process.Kill();
        return instance.RestartCount;
    }

    /// <summary>Waits until the orchestrator has restarted a killed resource and it is healthy again.</summary>
    public static async Task WaitRestartedAsync(this DistributedApplication app, string resourceName, int restartsBefore, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        await app.ResourceNotifications.WaitForResourceAsync(
            resourceName, instances => instances[0].RestartCount > restartsBefore && instances[0].IsHealthy, cancel.Token);
    }
}

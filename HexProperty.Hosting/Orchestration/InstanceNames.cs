using HexProperty.Hosting.ApplicationModel;

namespace HexProperty.Hosting.Orchestration;

/// <summary>Names of the running instances of a resource: the resource's own name, or name-0, name-1... with replicas.</summary>
internal static class InstanceNames
{
    public static string For(IResource resource, int replicas, int replica) => replicas == 1 ? resource.Name : $"{resource.Name}-{replica}";

    /// <summary>The OpenTelemetry <c>service.instance.id</c>: unique per instance and per run, so telemetry of a
    /// restarted AppHost never merges with the previous run's.</summary>
    public static string ServiceInstanceId(string instanceName, string runId) => $"{instanceName}-{runId[..8]}";
}

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace HexProperty.Hosting.Balancing;

/// <summary>
/// HAProxy, run from Debian's <c>haproxy</c> package, in front of the replicas of one project: the way into the service
/// (its <c>http</c> endpoint is what other resources reference and what the dashboard shows), with its stats page and
/// Prometheus endpoint on <c>stats</c>.
/// </summary>
public sealed class LocalBalancerResource(string name, string dataDirectory, BalancerSettings settings)
    : ExecutableResource(name, "/bin/bash", dataDirectory), IResourceWithServiceDiscovery
{
    public const string HttpEndpointName = "http";
    public const string StatsEndpointName = "stats";

    public BalancerSettings Settings { get; } = settings;

    /// <summary>The replicas behind the balancer, in the order of their server lines.</summary>
    public IReadOnlyList<ProjectResource> Replicas => ReplicaList;

    public string ConfigFile => Path.Combine(WorkingDirectory, "haproxy.cfg");

    /// <summary>The running HAProxy's PID (the supervisor's child), written by <c>supervise.sh</c>.</summary>
    public string ServerPidFile => Path.Combine(WorkingDirectory, "server.pid");

    internal List<ProjectResource> ReplicaList { get; } = [];
}

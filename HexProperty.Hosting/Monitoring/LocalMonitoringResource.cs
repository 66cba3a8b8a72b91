using Aspire.Hosting.ApplicationModel;

namespace HexProperty.Hosting.Monitoring;

/// <summary>
/// A monitoring program run from its Debian package under <c>supervise.sh</c>: Prometheus, Alertmanager or an exporter.
/// It serves HTTP on one loopback port chosen when the model is built (<see cref="Port"/>), so a program started again
/// after a crash comes back where Prometheus and Alertmanager expect it.
/// </summary>
public sealed class LocalMonitoringResource(string name, string dataDirectory, string kind, int port)
    : ExecutableResource(name, "/bin/bash", dataDirectory), IResourceWithEndpoints
{
    public const string HttpEndpointName = "http";

    /// <summary>What the program is, for the startup summary: Prometheus, Alertmanager, exporter.</summary>
    public string Kind { get; } = kind;

    public int Port { get; } = port;

    public string Address => $"127.0.0.1:{Port}";

    public string ConfigFile(string fileName) => Path.Combine(WorkingDirectory, fileName);
}

/// <summary>Where Prometheus reads one resource's metrics: <c>http://127.0.0.1:{Port}{Path}</c>, labelled with the
/// job (the service: every replica of the Api is job "api") and the instance (the resource's own name).</summary>
public sealed record ScrapeTargetAnnotation(string Job, string Instance, int Port, string Path = "/metrics") : IResourceAnnotation;

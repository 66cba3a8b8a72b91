namespace HexProperty.Hosting.ApplicationModel;

/// <summary>
/// A network endpoint of a resource. The port is either fixed (declared in code or configuration) or a free
/// loopback port chosen at start; a project with replicas gets one port per replica.
/// </summary>
public sealed class EndpointAnnotation(string name, string scheme, int? port = null)
{
    public const string Host = "127.0.0.1";

    /// <summary>The endpoint's name, as in <c>services__api__http__0</c> and the manifest bindings.</summary>
    public string Name { get; } = name;

    /// <summary>The URI scheme clients use: <c>http</c>, <c>tcp</c>.</summary>
    public string Scheme { get; } = scheme;

    /// <summary>The requested port; <c>null</c> means a free port is chosen at start.</summary>
    public int? Port { get; set; } = port;

    /// <summary>Reachable from outside the application (the web front end), as in the manifest's <c>external</c>.</summary>
    public bool IsExternal { get; set; }

    internal List<int> AllocatedPorts { get; } = [];

    /// <summary>The port the given replica listens on; valid once the application has started.</summary>
    public int GetAllocatedPort(int replica = 0) =>
        replica < AllocatedPorts.Count
            ? AllocatedPorts[replica]
            : throw new InvalidOperationException($"Endpoint '{Name}' has no port allocated yet for replica {replica}; start the application first.");

    public string GetUrl(int replica = 0) => $"{Scheme}://{Host}:{GetAllocatedPort(replica)}";
}

using Aspire.Hosting.ApplicationModel;

namespace HexProperty.Hosting;

/// <summary>
/// A server run from its Debian package's binary as an Aspire executable resource, under <c>supervise.sh</c>, which
/// restarts it when it crashes and stops it with its own stop signal. It serves one proxyless TCP endpoint, the port
/// DCP allocates, and keeps its data in its own folder under the data root.
/// In publish mode the resource stays out of the model and <see cref="PublishedAs"/>, Aspire's container resource of
/// the same name, stands in the manifest for it.
/// </summary>
public abstract class LocalServerResource(string name, string dataDirectory)
    : ExecutableResource(name, "/bin/bash", dataDirectory), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new EndpointReference(this, PrimaryEndpointName);

    public EndpointReferenceExpression Host => PrimaryEndpoint.Property(EndpointProperty.Host);

    public EndpointReferenceExpression Port => PrimaryEndpoint.Property(EndpointProperty.Port);

    /// <summary>Where the server keeps its data, configuration and logs; its working directory too.</summary>
    public string DataDirectory { get; } = dataDirectory;

    /// <summary>The running server's PID (the supervisor's child), written by <c>supervise.sh</c>.</summary>
    public string ServerPidFile => Path.Combine(DataDirectory, "server.pid");

    /// <summary>Set in publish mode: the container resource the manifest holds in this server's place.</summary>
    public IResourceWithConnectionString? PublishedAs { get; internal set; }

    public ReferenceExpression ConnectionStringExpression => PublishedAs?.ConnectionStringExpression ?? LocalConnectionString;

    /// <summary>The connection string in the form Aspire's own integration for this server gives, so clients read it unchanged.</summary>
    protected abstract ReferenceExpression LocalConnectionString { get; }

    /// <summary>The parts of the connection string besides the host and port that <c>WithReference</c> also gives as
    /// <c>NAME_PASSWORD</c>, <c>NAME_URI</c>...</summary>
    protected abstract IEnumerable<KeyValuePair<string, ReferenceExpression>> LocalConnectionProperties { get; }

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
        PublishedAs?.GetConnectionProperties() ??
        [new("Host", ReferenceExpression.Create($"{Host}")), new("Port", ReferenceExpression.Create($"{Port}")), .. LocalConnectionProperties];
}

namespace HexProperty.Hosting.ApplicationModel;

/// <summary>The environment variables a process of a resource is started with, being assembled.</summary>
public sealed class EnvironmentContext(IResource resource, int replica)
{
    public IResource Resource { get; } = resource;

    public int Replica { get; } = replica;

    public IDictionary<string, string> Variables { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
}

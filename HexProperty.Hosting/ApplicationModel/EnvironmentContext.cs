namespace HexProperty.Hosting.ApplicationModel;

/// <summary>The environment variables a process of a resource is started with, being assembled.</summary>
public sealed class EnvironmentContext(IResource resource, int replica, string dataPath)
{
    public IResource Resource { get; } = resource;

    public int Replica { get; } = replica;

    /// <summary>The run's data folder (ignored by git), for files that several projects share, such as exports.</summary>
    public string DataPath { get; } = dataPath;

    public IDictionary<string, string> Variables { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
}

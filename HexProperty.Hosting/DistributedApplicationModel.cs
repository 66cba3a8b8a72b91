using HexProperty.Hosting.ApplicationModel;

namespace HexProperty.Hosting;

/// <summary>The declared application: its resources and where the repository (and its data folder) is.</summary>
public sealed class DistributedApplicationModel(IReadOnlyList<Resource> resources, string repositoryDirectory)
{
    public IReadOnlyList<Resource> Resources { get; } = resources;

    /// <summary>The folder that holds the solution; local server data lives in its ignored <c>.hexdata/</c>.</summary>
    public string RepositoryDirectory { get; } = repositoryDirectory;
}

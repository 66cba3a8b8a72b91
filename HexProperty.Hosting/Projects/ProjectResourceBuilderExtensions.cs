using HexProperty.Hosting.ApplicationModel;

namespace HexProperty.Hosting.Projects;

public static class ProjectResourceBuilderExtensions
{
    /// <summary>Adds a project of the solution; <typeparamref name="TProject"/> is generated from the AppHost's project references.</summary>
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new() =>
        builder.AddResource(new ProjectResource(name, new TProject()));

    /// <summary>Runs <paramref name="replicas"/> processes of the project, each on its own port with its own
    /// <c>service.instance.id</c>; references to the project list every replica's URL.</summary>
    public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> project, int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        project.Resource.Replicas = replicas;
        return project;
    }

    /// <summary>The project is ready (for <c>WaitFor</c>) when GET <paramref name="path"/> answers 200.</summary>
    public static IResourceBuilder<ProjectResource> WithHttpHealthCheck(this IResourceBuilder<ProjectResource> project, string path = "/health")
    {
        project.Resource.HealthCheckPath = path;
        return project;
    }

    /// <summary>Marks the HTTP endpoint as reachable from outside the application (the manifest's <c>external</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithExternalHttpEndpoints(this IResourceBuilder<ProjectResource> project)
    {
        project.Resource.HttpEndpoint.IsExternal = true;
        return project;
    }

    /// <summary>Listens on a fixed port instead of a free one (replica n on port + n).</summary>
    public static IResourceBuilder<ProjectResource> WithHttpPort(this IResourceBuilder<ProjectResource> project, int port)
    {
        project.Resource.HttpEndpoint.Port = port;
        return project;
    }
}

using HexProperty.Hosting.ApplicationModel;
using HexProperty.Hosting.Orchestration;

namespace HexProperty.Hosting.Projects;

/// <summary>A .NET project of the solution, started from its build output; one process per replica.</summary>
public sealed class ProjectResource(string name, IProjectMetadata metadata) : Resource(name), IResourceWithEndpoints, IRunnableResource
{
    public override string DisplayType => "Project";

    public IProjectMetadata Metadata { get; } = metadata;

    public EndpointAnnotation HttpEndpoint { get; } = new("http", "http");

    public IReadOnlyList<EndpointAnnotation> Endpoints => [HttpEndpoint];

    public int Replicas { get; internal set; } = 1;

    /// <summary>The path the AppHost polls for readiness; <c>null</c> means the project is ready once it runs.</summary>
    public string? HealthCheckPath { get; internal set; }

    IResourceDriver IRunnableResource.CreateDriver(RunContext context) => new ProjectDriver(this, context);
}

using HexProperty.Hosting.Orchestration;

namespace HexProperty.Hosting.ApplicationModel;

/// <summary>A resource the orchestrator runs: a server process, a project, or a database created on a server.</summary>
internal interface IRunnableResource : IResource
{
    /// <summary>How many instances run (projects with <c>WithReplicas</c>); servers run one.</summary>
    int Replicas => 1;

    IResourceDriver CreateDriver(RunContext context);
}

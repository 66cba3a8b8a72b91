using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HexProperty.Hosting.Orchestration;

/// <summary>How the orchestrator runs one kind of resource: what it needs installed, how it is initialised,
/// which processes it runs and how its readiness is checked with a real client.</summary>
internal interface IResourceDriver
{
    /// <summary>Files that must exist before anything starts (server binaries, built assemblies).</summary>
    IEnumerable<RequiredFile> RequiredFiles => [];

    /// <summary>Runs once per AppHost run before the first start: initialise data, write configuration.</summary>
    Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The processes of one instance, started in order; empty for a resource without a process.</summary>
    IReadOnlyList<ProcessSpec> CreateProcesses(int replica);

    /// <summary>Asks the running instance, through a real client, whether it serves requests.</summary>
    Task<HealthCheckResult> CheckHealthAsync(int replica, CancellationToken cancellationToken);
}

/// <summary>A file a resource cannot run without, and what to tell the developer when it is missing.</summary>
internal sealed record RequiredFile(string Path, string WhenMissing);

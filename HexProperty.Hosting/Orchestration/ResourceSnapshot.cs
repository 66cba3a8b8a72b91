using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HexProperty.Hosting.Orchestration;

/// <summary>What one instance of a resource is doing right now (a project with replicas has one per replica).</summary>
public sealed record ResourceSnapshot(string ResourceName, string InstanceName, string ResourceType)
{
    public string State { get; init; } = KnownResourceStates.NotStarted;

    /// <summary><c>null</c> until the first health check has run.</summary>
    public HealthStatus? Health { get; init; }

    /// <summary>Why the last health check failed, or what the instance is waiting for.</summary>
    public string? Description { get; init; }

    /// <summary>The main process (for RabbitMQ, the broker rather than its epmd helper); <c>null</c> when none runs.</summary>
    public int? ProcessId { get; init; }

    public IReadOnlyList<int> ProcessIds { get; init; } = [];

    public DateTimeOffset? StartedAt { get; init; }

    public int RestartCount { get; init; }

    public string? LastExitReason { get; init; }

    public IReadOnlyList<string> Urls { get; init; } = [];

    /// <summary>The OpenTelemetry <c>service.instance.id</c> the instance reports under.</summary>
    public string? ServiceInstanceId { get; init; }

    public string? LogFile { get; init; }

    public bool IsHealthy => State == KnownResourceStates.Running && Health == HealthStatus.Healthy;
}

namespace HexProperty.Dashboard.Resources;

/// <summary>
/// What the dashboard needs from the orchestrator, the way Aspire's dashboard talks to its AppHost over the
/// DashboardService: the instances and their state, each one's console output, and the stop, start and restart
/// commands.
/// </summary>
public interface IResourceSource
{
    IReadOnlyList<ResourceView> GetInstances();

    /// <summary>The newest console lines of an instance, oldest first; empty for an unknown one.</summary>
    IReadOnlyList<string> GetConsoleLines(string instanceName, int count);

    /// <summary>Calls <paramref name="onLine"/> for each new console line until the subscription is disposed.</summary>
    IDisposable SubscribeConsole(string instanceName, Action<string> onLine);

    Task<CommandOutcome> ExecuteAsync(string instanceName, ResourceCommand command, CancellationToken cancellationToken);
}

public enum ResourceCommand
{
    Stop,
    Start,
    Restart,
}

public sealed record CommandOutcome(bool Succeeded, string Message);

/// <summary>One instance of a resource as the Resources page shows it.</summary>
public sealed record ResourceView(
    string Resource,
    string Instance,
    string Type,
    int Replicas,
    string State,
    string? Health,
    string? Description,
    int? ProcessId,
    DateTimeOffset? StartedAt,
    int Restarts,
    string? LastExitReason,
    IReadOnlyList<string> Urls,
    string? ServiceInstanceId)
{
    public bool CanStop => State is "Running" or "Starting" or "Waiting" or "Restarting";

    public bool CanStart => State is "Exited" or "FailedToStart";
}

/// <summary>The dashboard without an AppHost behind it (as Aspire's standalone dashboard): telemetry pages only.</summary>
public sealed class NoResources : IResourceSource
{
    public static readonly NoResources Instance = new();

    public IReadOnlyList<ResourceView> GetInstances() => [];

    public IReadOnlyList<string> GetConsoleLines(string instanceName, int count) => [];

    public IDisposable SubscribeConsole(string instanceName, Action<string> onLine) => new MemoryStream();

    public Task<CommandOutcome> ExecuteAsync(string instanceName, ResourceCommand command, CancellationToken cancellationToken) =>
        Task.FromResult(new CommandOutcome(false, "This dashboard runs without an AppHost: there are no resources to command."));
}

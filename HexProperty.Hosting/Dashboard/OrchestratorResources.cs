using HexProperty.Dashboard.Resources;
using HexProperty.Hosting.Orchestration;

namespace HexProperty.Hosting;

/// <summary>The dashboard's view of the orchestrator: what Aspire's AppHost serves its dashboard over gRPC, in process.</summary>
internal sealed class OrchestratorResources(Orchestrator orchestrator, ResourceNotificationService notifications) : IResourceSource
{
    public IReadOnlyList<ResourceView> GetInstances()
    {
        var all = notifications.GetAll();
        var replicas = all.GroupBy(s => s.ResourceName).ToDictionary(g => g.Key, g => g.Count());
        return [.. all.Select(s => new ResourceView(
            s.ResourceName, s.InstanceName, s.ResourceType, replicas[s.ResourceName], s.State, s.Health?.ToString(), s.Description,
            s.ProcessId, s.StartedAt, s.RestartCount, s.LastExitReason, s.Urls, s.ServiceInstanceId))];
    }

    public IReadOnlyList<string> GetConsoleLines(string instanceName, int count) =>
        orchestrator.LogOf(instanceName)?.Recent(count) ?? [];

    public IDisposable SubscribeConsole(string instanceName, Action<string> onLine)
    {
        var log = orchestrator.LogOf(instanceName);
        if (log is null)
        {
            return new Subscription(() => { });
        }

        log.LineWritten += onLine;
        return new Subscription(() => log.LineWritten -= onLine);
    }

    public Task<CommandOutcome> ExecuteAsync(string instanceName, ResourceCommand command, CancellationToken cancellationToken) =>
        orchestrator.ExecuteAsync(instanceName, command);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}

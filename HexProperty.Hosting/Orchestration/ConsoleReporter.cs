using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace HexProperty.Hosting.Orchestration;

/// <summary>
/// Tells the developer what the application is doing: a line for every change of state or health, and once
/// everything is up, a table of every resource with its state and where to reach it.
/// </summary>
internal sealed class ConsoleReporter(ResourceNotificationService notifications, ILogger logger, DataFolder dataFolder, Stopwatch sinceStart, string? dashboardUrl)
{
    private readonly Dictionary<string, ResourceSnapshot> _seen = [];
    private readonly HashSet<string> _everHealthy = [];
    private bool _tablePrinted;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var snapshot in notifications.WatchAsync(cancellationToken))
            {
                Report(snapshot);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Report(ResourceSnapshot snapshot)
    {
        _seen.TryGetValue(snapshot.InstanceName, out var previous);
        _seen[snapshot.InstanceName] = snapshot;
        if (previous is not null && previous.State == snapshot.State && previous.Health == snapshot.Health)
        {
            return;
        }

        // Before an instance is first healthy its checks fail by design (it is still starting): not worth a line each.
        var startingUp = snapshot.Health == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy && !_everHealthy.Contains(snapshot.InstanceName);
        if (snapshot.IsHealthy)
        {
            _everHealthy.Add(snapshot.InstanceName);
        }

        if (!startingUp && (previous is not null || snapshot.State != KnownResourceStates.NotStarted))
        {
            var health = snapshot.State == KnownResourceStates.Running && snapshot.Health is { } h ? $" ({h})" : "";
            var detail = snapshot.Description is { Length: > 0 } d && snapshot.Health != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy ? $": {d}" : "";
            logger.LogInformation("{Instance} {State}{Health}{Detail}", snapshot.InstanceName, snapshot.State, health, detail);
        }

        var all = notifications.GetAll();
        if (!_tablePrinted && all.All(s => s.IsHealthy))
        {
            _tablePrinted = true;
            Console.Out.Write(Table(all, sinceStart.Elapsed, dataFolder, dashboardUrl));
        }
    }

    internal static string Table(IReadOnlyList<ResourceSnapshot> snapshots, TimeSpan elapsed, DataFolder dataFolder, string? dashboardUrl = null)
    {
        string[] header = ["Resource", "Type", "State", "Health", "PID", "Endpoint"];
        var rows = snapshots.Select(s => new[]
        {
            s.InstanceName, s.ResourceType, s.State, s.Health?.ToString() ?? "-", s.ProcessId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
            s.Urls.Count > 0 ? string.Join(", ", s.Urls) : "-",
        }).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"All {snapshots.Count} resources are healthy ({elapsed.TotalSeconds:0.0} s after start).");
        foreach (var row in rows)
        {
            text.AppendLine("  " + string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }

        text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"Data and generated credentials: {dataFolder.Root}");
        text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"Logs of each resource:          {dataFolder.LogsDirectory}");
        if (dashboardUrl is not null)
        {
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"Dashboard:                      {dashboardUrl}");
        }

        text.AppendLine("Press Ctrl+C to stop everything.");
        text.AppendLine();
        return text.ToString();
    }
}

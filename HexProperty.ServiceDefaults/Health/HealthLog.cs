using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace HexProperty.ServiceDefaults.Health;

/// <summary>
/// Logs each health check when its status changes (every 30 s the host runs them all): a dependency that fails says
/// why in the service's structured logs, which the dashboard and operators read, since <c>/health</c> does not tell
/// an anonymous caller. Each check's last status is also the gauge <c>hexproperty.health.status</c> (0 unhealthy, 1
/// degraded, 2 healthy), which Prometheus alerts on.
/// </summary>
internal sealed partial class HealthLog : IHealthCheckPublisher
{
    private readonly Dictionary<string, HealthStatus> _last = [];
    private readonly ILogger<HealthLog> _logger;

    public HealthLog(ILogger<HealthLog> logger, IMeterFactory meters)
    {
        _logger = logger;
        meters.Create(Telemetry.PrometheusEndpoint.MeterName).CreateObservableGauge("hexproperty.health.status", Statuses, "{status}",
            "Each health check's last result: 0 unhealthy, 1 degraded, 2 healthy.");
    }

    private IEnumerable<Measurement<int>> Statuses()
    {
        lock (_last)
        {
            return [.. _last.Select(c => new Measurement<int>((int)c.Value, new KeyValuePair<string, object?>("check", c.Key)))];
        }
    }

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        lock (_last)
        {
            foreach (var (name, entry) in report.Entries)
            {
                var known = _last.TryGetValue(name, out var previous);
                _last[name] = entry.Status;
                if (entry.Status != HealthStatus.Healthy && (!known || previous != entry.Status))
                {
                    LogUnhealthy(name, entry.Status, entry.Description ?? entry.Exception?.Message, entry.Exception);
                }
                else if (entry.Status == HealthStatus.Healthy && known && previous != HealthStatus.Healthy)
                {
                    LogRecovered(name);
                }
            }
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Warning, "Health check {Check} is {Status}: {Reason}")]
    private partial void LogUnhealthy(string check, HealthStatus status, string? reason, Exception? exception);

    [LoggerMessage(LogLevel.Information, "Health check {Check} is healthy again")]
    private partial void LogRecovered(string check);
}

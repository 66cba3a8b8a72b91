using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HexProperty.Dashboard.Alerts;

/// <summary>Evaluates the alert rules every <see cref="DashboardOptions.AlertInterval"/>.</summary>
internal sealed class AlertEvaluator(AlertBook alerts, DashboardOptions options, TimeProvider time, ILogger<AlertEvaluator> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.AlertInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                alerts.Evaluate();
            }
            catch (Exception e)
            {
                logger.LogError(e, "Evaluating the alert rules failed");
            }
        }
    }
}

using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;

namespace HexProperty.ServiceDefaults.Telemetry;

/// <summary>
/// Serves the service's OpenTelemetry metrics in Prometheus' text format at <c>/metrics</c> on a port of its own
/// (<see cref="PortKey"/>; the AppHost gives every service one), and nothing else on that port; on the public port
/// <c>/metrics</c> does not exist. The balancers forward only the public port, so metrics are read from inside the
/// platform, by Prometheus, and never by a guest. Without the setting, no port and no exporter.
/// </summary>
public static class PrometheusEndpoint
{
    public const string PortKey = "Telemetry:PrometheusPort";
    public const string Path = "/metrics";

    /// <summary>The meter of the two gauges Prometheus needs and the runtime's metrics lack: this process's memory
    /// limit (the machine's or the container's) and, from <see cref="Health.HealthLog"/>, each health check's status.</summary>
    public const string MeterName = "HexProperty.Process";

    internal static void AddPrometheusEndpoint(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, ProcessGauges>());
        if (configuration.GetValue<int?>(PortKey) is not { } port)
        {
            return;
        }

        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusExporter());
        services.AddSingleton<IStartupFilter>(new MetricsPortFilter(port));
    }

    /// <summary>First in the pipeline: a request to the metrics port gets the metrics or a 404, and reaches no other middleware.</summary>
    private sealed class MetricsPortFilter(int port) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.MapWhen(context => context.Connection.LocalPort == port, metricsPort =>
            {
                metricsPort.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == Path);
                metricsPort.Run(context =>
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                });
            });
            next(app);
        };
    }

    /// <summary>Registers the memory limit gauge once the container is built (a startup filter is the first code that runs with it).</summary>
    private sealed class ProcessGauges(IMeterFactory meters) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next)
        {
            meters.Create(MeterName).CreateObservableGauge("hexproperty.process.memory.limit",
                () => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, "By",
                "The memory this process may use: the machine's, or its container's limit. Set against dotnet.process.memory.working_set.");
            return next;
        }
    }
}

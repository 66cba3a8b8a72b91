using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace HexProperty.ServiceDefaults.Telemetry;

/// <summary>
/// Creates the tracer and meter providers when the host starts (nothing else asks for them, and a provider
/// listens only once it exists). The container disposes them at shutdown, which flushes what is buffered.
/// </summary>
internal sealed class TelemetryHostedService(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetService<TracerProvider>();
        _ = services.GetService<MeterProvider>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

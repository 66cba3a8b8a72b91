using HexProperty.ServiceDefaults.Health;
using HexProperty.ServiceDefaults.Resilience;
using HexProperty.ServiceDefaults.ServiceDiscovery;
using HexProperty.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every HexProperty service calls first: health checks, OpenTelemetry, and HTTP clients with the standard
/// resilience pipeline and service discovery. The namespace is the one Aspire's template uses, so
/// <c>builder.AddServiceDefaults()</c> reads the same in every Program.cs.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.AddSingleton<EndpointLatency>();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Resilience outside, discovery inside: every retry attempt resolves the service again, so it can
            // land on another replica.
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>Maps <c>/health</c> (readiness) and <c>/alive</c> (liveness) in every environment, and starts recording each endpoint's latency.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        _ = app.Services.GetRequiredService<EndpointLatency>(); // listens from the start, for the operations page's p95 per endpoint
        return app;
    }
}

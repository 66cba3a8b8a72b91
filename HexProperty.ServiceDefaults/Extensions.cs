using HexProperty.ServiceDefaults.Health;
using HexProperty.ServiceDefaults.Resilience;
using HexProperty.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every HexProperty service calls first, in the shape of Aspire's ServiceDefaults template: OpenTelemetry
/// exported over OTLP to the dashboard, health checks, and HTTP clients with the standard resilience handler and service
/// discovery. Added to the template: resilience options from configuration (<c>HttpClientDefaults:Resilience</c>, or a
/// client's own with <see cref="HttpClientResilience.AddOwnResilienceHandler"/>), circuit states for the operations
/// page, metrics for Prometheus on a port of their own, and health answers that show dependency detail only to an operator.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Every ActivitySource and Meter of HexProperty's own code starts with this prefix.</summary>
    public const string HexPropertyTelemetryPrefix = "HexProperty.";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        // A stop from the dashboard (or the AppHost's own end) gives a process about 12 s before DCP gives up on it and
        // leaves the resource Unknown for good. The host's default 30 s drain outlasted that on the Web whenever a Blazor
        // circuit was open; 5 s lets in-flight requests finish and then closes what is left, well inside DCP's wait.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddServiceDiscovery();
        builder.Services.AddSingleton<HttpCircuitStates>();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // One pipeline (and circuit breaker) shared by every client that does not take its own (AddOwnResilienceHandler).
            http.AddStandardResilienceHandler()
                .Configure(options => builder.Configuration.GetSection("HttpClientDefaults:Resilience").Bind(options))
                .Configure((options, services) => services.GetRequiredService<HttpCircuitStates>().Track(HttpCircuitStates.DefaultPipeline, options.CircuitBreaker));
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Npgsql", HexPropertyTelemetryPrefix + "*"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, "Npgsql", "RabbitMQ.Client.*", HexPropertyTelemetryPrefix + "*")
                // Health probes arrive every few seconds from the AppHost and the balancer: they are not traces.
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !HealthResponses.IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation());

        // At most Telemetry:TracesPerSecond new traces a second per process (default 100; 0 keeps every one). The AppHost
        // asks for every trace (OTEL_TRACES_SAMPLER=always_on), which under load costs the service and the dashboard
        // more CPU than the requests themselves; a sampler an operator chose otherwise is left as it is.
        var tracesPerSecond = builder.Configuration.GetValue("Telemetry:TracesPerSecond", 100.0);
        if (tracesPerSecond > 0 && builder.Configuration["OTEL_TRACES_SAMPLER"] is null or "always_on" or "parentbased_always_on")
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing =>
                tracing.SetSampler(new ParentBasedSampler(new RateLimitedSampler(tracesPerSecond, TimeProvider.System))));
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        builder.Services.AddPrometheusEndpoint(builder.Configuration);
        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [HealthResponses.LiveTag]);
        builder.Services.AddHealthCheckTimeouts();
        return builder;
    }

    /// <summary>Maps <c>/health</c> (readiness: every dependency) and <c>/alive</c> (liveness: the process only) in every
    /// environment.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthResponses();
        return app;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HexProperty.ServiceDefaults.Telemetry;

/// <summary>
/// Traces, metrics and logs through OpenTelemetry, exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set
/// (the AppHost sets it when a collector is configured), so a service also runs fine on its own.
/// The instrumentation packages do not restore here, so we subscribe to what the runtime and libraries emit
/// themselves: ASP.NET Core, HttpClient, Npgsql and RabbitMQ.Client 7 all publish ActivitySources and Meters.
/// </summary>
public static class OpenTelemetryExtensions
{
    /// <summary>In .NET 10 the ASP.NET Core request activity carries the HTTP semantic-convention tags only when this
    /// switch is off (it is off by default from .NET 11); the instrumentation package that used to add them is missing.
    /// ASP.NET Core reads it once per process, so Directory.Build.props also sets it in every runtimeconfig.json.</summary>
    public const string AspNetCoreActivityDataSwitch = "Microsoft.AspNetCore.Hosting.SuppressActivityOpenTelemetryData";

    /// <summary>Every ActivitySource of HexProperty's own code starts with this prefix.</summary>
    public const string HexPropertySourcePrefix = "HexProperty.";

    public static readonly string[] TraceSources =
    [
        "Microsoft.AspNetCore", // server spans of incoming requests
        "System.Net.Http", // client spans of outgoing requests (complete since .NET 9)
        "Npgsql",
        "RabbitMQ.Client.*",
        HexPropertySourcePrefix + "*",
    ];

    public static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "System.Net.Http",
        "System.Net.NameResolution",
        "System.Runtime",
        "Npgsql",
        HexPropertySourcePrefix + "*",
    ];

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        AppContext.SetSwitch(AspNetCoreActivityDataSwitch, false);

        var telemetry = new OpenTelemetryServicesBuilder(builder.Services);
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
        {
            // Outside the AppHost, name the service after the application rather than "unknown_service".
            telemetry.ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName));
        }

        telemetry.WithTracing(tracing => tracing.AddSource([.. TraceSources, builder.Environment.ApplicationName]));
        telemetry.WithMetrics(metrics => metrics.AddMeter([.. Meters, builder.Environment.ApplicationName]));
        telemetry.WithLogging(_ => { }, options =>
        {
            options.IncludeFormattedMessage = true;
            options.IncludeScopes = true;
        });
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        builder.Services.AddHostedService<TelemetryHostedService>();
        builder.Services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, HttpServerSpanEnricher>();
        return builder;
    }

    /// <summary>The one piece of OpenTelemetry.Extensions.Hosting we need: an <see cref="IOpenTelemetryBuilder"/> over the service collection.</summary>
    private sealed class OpenTelemetryServicesBuilder(IServiceCollection services) : IOpenTelemetryBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}

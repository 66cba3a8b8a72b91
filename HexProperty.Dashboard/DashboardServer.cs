using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using HexProperty.Dashboard.Alerts;
using HexProperty.Dashboard.Components;
using HexProperty.Dashboard.Ingest;
using HexProperty.Dashboard.Resources;
using HexProperty.Dashboard.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HexProperty.Dashboard;

/// <summary>
/// The developer dashboard as its own small web application inside the AppHost: the pages behind a browser token,
/// and OTLP/HTTP ingest behind an API key, on one loopback port.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, DashboardOptions options)
    {
        _app = app;
        Options = options;
    }

    public DashboardOptions Options { get; }

    public IServiceProvider Services => _app.Services;

    public TelemetryStore Telemetry => Services.GetRequiredService<TelemetryStore>();

    public MetricStore Metrics => Services.GetRequiredService<MetricStore>();

    public AlertBook Alerts => Services.GetRequiredService<AlertBook>();

    /// <summary>Where the pages and OTLP/HTTP are served, e.g. <c>http://127.0.0.1:18888</c>.</summary>
    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>The link that signs a browser in, as the AppHost prints it.</summary>
    public string LoginUrl => $"{Url}/login?t={Uri.EscapeDataString(Options.BrowserToken!)}";

    /// <summary>OTEL_EXPORTER_OTLP_HEADERS for a service that exports here.</summary>
    public string OtlpHeaders => $"{OtlpHttpEndpoints.ApiKeyHeader}={Options.OtlpApiKey}";

    public static async Task<DashboardServer> StartAsync(
        DashboardOptions options, IResourceSource resources, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        options.BrowserToken ??= NewSecret();
        options.OtlpApiKey ??= NewSecret();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(DashboardServer).Assembly.GetName().Name });
        builder.Services.AddSingleton(loggerFactory); // the AppHost's console and format
        builder.WebHost.UseUrls($"http://127.0.0.1:{PortToUse(options.Port)}");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(resources);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TelemetryStore>();
        builder.Services.AddSingleton<MetricStore>();
        builder.Services.AddSingleton<OtlpIngest>();
        builder.Services.AddSingleton<IReadOnlyList<AlertRule>>(AlertRules.Create(() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes));
        builder.Services.AddSingleton<AlertBook>();
        builder.Services.AddHostedService<AlertEvaluator>();
        builder.Services.AddRazorComponents();

        var app = builder.Build();
        app.UseMiddleware<BrowserTokenAuthentication>();
        app.UseAntiforgery();
        app.MapOtlpHttp();
        app.MapDashboardEndpoints();
        app.MapRazorComponents<App>();
        await app.StartAsync(cancellationToken);
        return new DashboardServer(app, options);
    }

    /// <summary>The configured port when it is free; otherwise (another AppHost has it) any free port, so two can run.</summary>
    private static int PortToUse(int configured)
    {
        if (configured == 0)
        {
            return 0;
        }

        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, configured);
            probe.Start();
            return configured;
        }
        catch (SocketException)
        {
            return 0;
        }
    }

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

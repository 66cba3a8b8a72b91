namespace HexProperty.Dashboard;

/// <summary>
/// The dashboard's settings, from the AppHost's <c>AppHost:Dashboard</c> section (for example
/// <c>AppHost__Dashboard__MaxSpansPerResource=20000</c>).
/// </summary>
public sealed class DashboardOptions
{
    public const string SectionName = "AppHost:Dashboard";

    /// <summary>Off, the AppHost serves no dashboard and the services export telemetry only to <c>AppHost:OtlpEndpoint</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The port of the pages and of OTLP/HTTP; when taken (a second AppHost), a free one is used and printed. 0 always picks a free one.</summary>
    public int Port { get; set; } = 18888;

    /// <summary>The token that signs a browser in (<c>/login?t=</c>); a new random one each run when unset.</summary>
    public string? BrowserToken { get; set; }

    /// <summary>The key the services send in the <c>x-otlp-api-key</c> header; a new random one each run when unset.</summary>
    public string? OtlpApiKey { get; set; }

    public int MaxLogsPerResource { get; set; } = 10_000;

    public int MaxSpansPerResource { get; set; } = 10_000;

    /// <summary>Points kept per metric series; at the AppHost's one export a second, 3,600 is the last hour.</summary>
    public int MaxPointsPerSeries { get; set; } = 3_600;

    /// <summary>Attribute combinations kept per instrument; a high-cardinality instrument keeps its first ones.</summary>
    public int MaxSeriesPerInstrument { get; set; } = 200;

    /// <summary>OTLP request bodies above this size are refused with 413.</summary>
    public int MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    public TimeSpan AlertInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The span of recent metrics each alert rule looks at.</summary>
    public TimeSpan AlertWindow { get; set; } = TimeSpan.FromMinutes(1);
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace HexProperty.Hosting.Orchestration;

/// <summary>What every driver needs to know about the current run of the application.</summary>
internal sealed class RunContext(DataFolder dataFolder, IConfiguration configuration, ILoggerFactory loggerFactory, AppHostOptions options)
{
    /// <summary>Marks every process this run starts (environment variable <see cref="RunMarkerVariable"/>),
    /// so a test can prove that none is left once the application has stopped.</summary>
    public const string RunMarkerVariable = "HEXPROPERTY_APPHOST_RUN";

    public string RunId { get; } = Guid.NewGuid().ToString("N")[..12];

    public DataFolder DataFolder { get; } = dataFolder;

    public IConfiguration Configuration { get; } = configuration;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    public AppHostOptions Options { get; } = options;

    /// <summary>Where the projects export OTLP: <see cref="AppHostOptions.OtlpEndpoint"/> when set, otherwise the AppHost's dashboard.</summary>
    public string? OtlpEndpoint { get; set; } = options.OtlpEndpoint;

    /// <summary>OTEL_EXPORTER_OTLP_HEADERS for the projects (the dashboard's API key).</summary>
    public string? OtlpHeaders { get; set; }

    /// <summary>Variables every child gets, whatever its kind.</summary>
    public IReadOnlyDictionary<string, string> BaseEnvironment => new Dictionary<string, string> { [RunMarkerVariable] = RunId };

    public string ResourceDirectory(string resourceName) => DataFolder.ResourceDirectory(resourceName);
}

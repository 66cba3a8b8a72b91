namespace HexProperty.Hosting;

/// <summary>
/// The AppHost's settings, from the <c>AppHost</c> configuration section (appsettings.json, environment
/// variables such as <c>AppHost__ShowResourceLogs=true</c>, or the command line switches listed in the README).
/// </summary>
public sealed class AppHostOptions
{
    public const string SectionName = "AppHost";

    /// <summary>Name of the data folder under <c>.hexdata/</c>; tests use their own.</summary>
    public string Name { get; set; } = "apphost";

    /// <summary>Full path of the data folder; defaults to <c>&lt;repository&gt;/.hexdata/&lt;Name&gt;</c>.</summary>
    public string? DataPath { get; set; }

    /// <summary>Start from empty servers: delete the data folder's contents first (<c>--clean</c>).</summary>
    public bool Clean { get; set; }

    /// <summary>Delete the data folder once everything has stopped (test runs; set HEXPROPERTY_KEEP_TEST_DATA=1 to keep it).</summary>
    public bool DeleteDataOnStop { get; set; }

    /// <summary>Echo every child's output on the console, behind the resource's name (<c>--show-logs</c>).</summary>
    public bool ShowResourceLogs { get; set; }

    /// <summary>Print state changes and the resource table on the console (off in tests).</summary>
    public bool ConsoleReport { get; set; } = true;

    /// <summary>OTLP collector the services export to; when unset they export nothing.</summary>
    public string? OtlpEndpoint { get; set; }

    public string OtlpProtocol { get; set; } = "http/protobuf";

    /// <summary>ASPNETCORE_ENVIRONMENT / DOTNET_ENVIRONMENT of the projects.</summary>
    public string ProjectEnvironment { get; set; } = "Development";

    /// <summary>Fixed ports by resource name (<c>AppHost__Ports__web=5080</c>); replica n gets port + n.</summary>
    public Dictionary<string, int> Ports { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The whole application stops within this time on Ctrl+C or SIGTERM; what is left is killed.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Where the server programs are; the defaults are the Debian packages' paths.</summary>
    public string? PostgresBinDirectory { get; set; }

    public string RedisServerPath { get; set; } = "/usr/bin/redis-server";

    public string RabbitMQServerPath { get; set; } = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    public string EpmdPath { get; set; } = "/usr/bin/epmd";
}

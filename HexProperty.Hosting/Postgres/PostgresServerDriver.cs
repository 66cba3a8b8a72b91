using System.Globalization;
using HexProperty.Hosting.ApplicationModel;
using HexProperty.Hosting.Orchestration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace HexProperty.Hosting.Postgres;

/// <summary>
/// Runs PostgreSQL from /usr/lib/postgresql/N/bin: initdb on first start (SCRAM password for the postgres user,
/// UTF-8, C.UTF-8 locale), then postgres on a loopback port without a Unix socket. As root it runs as the
/// package's postgres user, because PostgreSQL refuses to run as root.
/// </summary>
internal sealed class PostgresServerDriver(PostgresServerResource resource, RunContext context) : IResourceDriver
{
    private const string ServiceUser = "postgres";
    private const string PostgresPackageHint = "install the Debian package 'postgresql' (sudo apt-get install -y postgresql)";

    private readonly ILogger _logger = context.LoggerFactory.CreateLogger("HexProperty.Hosting.Postgres");
    private readonly string _binDirectory = context.Options.PostgresBinDirectory ?? FindBinDirectory();

    private string ResourceDirectory => context.ResourceDirectory(resource.Name);

    private string DataDirectory => Path.Combine(ResourceDirectory, "data");

    private static string? RunAsUser => Posix.IsRoot ? ServiceUser : null;

    public IEnumerable<RequiredFile> RequiredFiles =>
    [
        new(Path.Combine(_binDirectory, "postgres"), $"PostgreSQL server ({_binDirectory}/postgres) not found: {PostgresPackageHint}."),
        new(Path.Combine(_binDirectory, "initdb"), $"PostgreSQL initdb ({_binDirectory}/initdb) not found: {PostgresPackageHint}."),
    ];

    /// <summary>The newest installed major version, as Debian installs several side by side.</summary>
    private static string FindBinDirectory()
    {
        const string Root = "/usr/lib/postgresql";
        var newest = Directory.Exists(Root)
            ? Directory.GetDirectories(Root)
                .Select(d => (Path: d, Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => d.Version > 0 && File.Exists(Path.Combine(d.Path, "bin", "postgres")))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Path, "bin"))
                .FirstOrDefault()
            : null;
        return newest ?? Path.Combine(Root, "<version>", "bin");
    }

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(ResourceDirectory);
        if (RunAsUser is { } user)
        {
            FolderAccess.EnsureUserCanReach(ResourceDirectory, user, _logger);
            await RunAsync(new ProcessSpec("chown", "/bin/chown", [$"{user}:{user}", ResourceDirectory]), cancellationToken);
        }

        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            await InitializeAsync(cancellationToken);
        }

        // Rewritten on every start, so a changed port or setting applies without touching the cluster.
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "hexproperty.conf"), Settings(), cancellationToken);
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(DataDirectory))
        {
            // A previous initdb was interrupted; it leaves a folder PostgreSQL cannot use.
            Directory.Delete(DataDirectory, recursive: true);
        }

        _logger.LogInformation("{Resource}: initialising a new PostgreSQL cluster in {Directory}", resource.Name, DataDirectory);
        var passwordFile = Path.Combine(ResourceDirectory, ".initdb-password");
        await File.WriteAllTextAsync(passwordFile, resource.PasswordParameter.Value, cancellationToken);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            if (RunAsUser is { } user)
            {
                await RunAsync(new ProcessSpec("chown", "/bin/chown", [$"{user}:{user}", passwordFile]), cancellationToken);
            }

            await RunAsync(
                new ProcessSpec("initdb", Path.Combine(_binDirectory, "initdb"),
                [
                    "-D", DataDirectory, "-U", PostgresServerResource.UserName, $"--pwfile={passwordFile}",
                    "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8",
                ])
                { RunAsUser = RunAsUser, Environment = context.BaseEnvironment },
                cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }

        await File.AppendAllTextAsync(
            Path.Combine(DataDirectory, "postgresql.conf"),
            "\n# Settings the HexProperty AppHost manages (port, listen address, extensions)\ninclude_if_exists = 'hexproperty.conf'\n",
            cancellationToken);
    }

    private string Settings() => string.Join('\n',
    [
        "# Written by the HexProperty AppHost at every start; edit AppHost code, not this file.",
        "listen_addresses = '127.0.0.1'",
        $"port = {resource.PrimaryEndpoint.GetAllocatedPort()}",
        "unix_socket_directories = ''",
        "max_connections = 200",
        "shared_preload_libraries = 'pg_stat_statements'",
        "track_io_timing = on",
        "log_destination = 'stderr'",
        "logging_collector = off",
        "log_line_prefix = '%m [%p] %q%u@%d '",
        "log_min_duration_statement = 1000",
        "",
    ]);

    public IReadOnlyList<ProcessSpec> CreateProcesses(int replica) =>
    [
        new("postgres", Path.Combine(_binDirectory, "postgres"), ["-D", DataDirectory])
        {
            RunAsUser = RunAsUser,
            StopSignal = Posix.SigInt, // fast shutdown: roll back open transactions, checkpoint, exit
            Environment = context.BaseEnvironment,
        },
    ];

    public async Task<HealthCheckResult> CheckHealthAsync(int replica, CancellationToken cancellationToken)
    {
        await PostgresProbe.SelectOneAsync(resource.GetConnectionString(), "postgres", cancellationToken);
        return HealthCheckResult.Healthy();
    }

    private Task RunAsync(ProcessSpec spec, CancellationToken cancellationToken) =>
        ChildProcess.RunToCompletionAsync(
            spec,
            line => _logger.LogDebug("{Resource} {Command}: {Line}", resource.Name, spec.Name, line),
            TimeSpan.FromMinutes(2),
            cancellationToken);
}

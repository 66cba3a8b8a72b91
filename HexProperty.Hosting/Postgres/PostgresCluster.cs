using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace HexProperty.Hosting.Postgres;

/// <summary>
/// Prepares the server's cluster before each start: initdb on the first (SCRAM password for the postgres user,
/// UTF-8, C.UTF-8 locale), the settings the AppHost manages, and the password kept equal to the parameter's (a
/// developer who lost the AppHost's user secrets gets a new password, which the existing cluster is then given).
/// As root, the cluster belongs to the package's postgres user, because PostgreSQL refuses to run as root.
/// </summary>
internal sealed class PostgresCluster(LocalPostgresResource server, string postgres, string initdb, ILogger logger)
{
    public const string ServiceUser = "postgres";

    internal static string? RunAs => FolderAccess.IsRoot ? ServiceUser : null;

    private string PasswordFingerprintFile => Path.Combine(server.DataDirectory, "password.sha256");

    public static string FindBinDirectory()
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
        await PrepareFolderAsync(server.DataDirectory, logger, cancellationToken);
        var password = await server.PasswordParameter.GetValueAsync(cancellationToken) ?? throw new InvalidOperationException("No PostgreSQL password.");

        if (!File.Exists(Path.Combine(server.ClusterDirectory, "PG_VERSION")))
        {
            await InitializeAsync(password, cancellationToken);
        }
        else if (!File.Exists(PasswordFingerprintFile) || await File.ReadAllTextAsync(PasswordFingerprintFile, cancellationToken) != Fingerprint(password))
        {
            await SetPasswordAsync(password, cancellationToken);
        }

        await PrivateFile.WriteAsync(PasswordFingerprintFile, Fingerprint(password), cancellationToken);
        // Rewritten on every start, so a changed setting applies without touching the cluster; the port comes as an argument.
        await File.WriteAllTextAsync(Path.Combine(server.ClusterDirectory, "hexproperty.conf"), Settings, cancellationToken);
    }

    /// <summary>Creates a server's data folder, which the postgres user owns and can reach when the AppHost runs as root.</summary>
    internal static async Task PrepareFolderAsync(string directory, ILogger logger, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        if (RunAs is { } user)
        {
            foreach (var folder in await FolderAccess.EnsureUserCanReachAsync(directory, user, cancellationToken))
            {
                logger.LogWarning("Gave user {User} search permission (ACL u:{User}:x) on {Folder} so it can reach its data folder.", user, user, folder);
            }

            await HostCommand.RunAsync("/bin/chown", [$"{user}:{user}", directory], cancellationToken);
        }
    }

    private async Task InitializeAsync(string password, CancellationToken cancellationToken)
    {
        if (Directory.Exists(server.ClusterDirectory))
        {
            // An interrupted initdb leaves a folder PostgreSQL cannot use.
            Directory.Delete(server.ClusterDirectory, recursive: true);
        }

        logger.LogInformation("Initialising a new PostgreSQL cluster in {Directory}", server.ClusterDirectory);
        var passwordFile = Path.Combine(server.DataDirectory, ".initdb-password");
        await PrivateFile.WriteAsync(passwordFile, password, cancellationToken);
        try
        {
            if (RunAs is { } user)
            {
                await HostCommand.RunAsync("/bin/chown", [$"{user}:{user}", passwordFile], cancellationToken);
            }

            await HostCommand.RunAsAsync(RunAs, initdb,
            [
                "-D", server.ClusterDirectory, "-U", LocalPostgresResource.UserName, $"--pwfile={passwordFile}",
                "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8",
            ], cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }

        await File.AppendAllTextAsync(
            Path.Combine(server.ClusterDirectory, "postgresql.conf"),
            "\n# Settings the HexProperty AppHost manages\ninclude_if_exists = 'hexproperty.conf'\n",
            cancellationToken);
    }

    /// <summary>Sets the postgres user's password in single-user mode, which needs no password and no running server.</summary>
    private async Task SetPasswordAsync(string password, CancellationToken cancellationToken)
    {
        logger.LogWarning("The PostgreSQL password parameter changed since the cluster was made; setting the new password on the cluster.");
        var quoted = "'" + password.Replace("'", "''", StringComparison.Ordinal) + "'";
        await HostCommand.RunAsAsync(RunAs, postgres,
            ["--single", "-D", server.ClusterDirectory, "-c", "listen_addresses=", "postgres"],
            cancellationToken,
            input: $"ALTER ROLE {LocalPostgresResource.UserName} PASSWORD {quoted};\n");
    }

    internal static string Fingerprint(string password) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(password)));

    internal static string Settings => string.Join('\n',
    [
        "# Written by the HexProperty AppHost at every start; edit the AppHost's code, not this file.",
        "listen_addresses = '127.0.0.1'",
        "unix_socket_directories = ''",
        "max_connections = 200",
        "shared_preload_libraries = 'pg_stat_statements'",
        "track_io_timing = on",
        "log_destination = 'stderr'",
        "logging_collector = off",
        "log_line_prefix = '%m [%p] %q%u@%d '",
        "log_min_duration_statement = 1000",
        "# A standby stopped for a while (or the AppHost's) catches up from the WAL kept here, without a new base backup.",
        "wal_keep_size = 512MB",
        "",
    ]);
}

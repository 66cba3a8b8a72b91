using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace HexProperty.Hosting.Postgres;

/// <summary>
/// Prepares a standby before each start: a base backup of the running primary (<c>pg_basebackup -R</c>: it then starts
/// as a standby streaming from it) when there is none, when the primary's cluster is another one than the backup came
/// from (a clean start made it anew), or when the password changed; otherwise the standby catches up from the WAL the
/// primary keeps (<c>wal_keep_size</c>).
/// </summary>
internal sealed partial class PostgresStandby(LocalPostgresStandbyResource standby, string binDirectory, ILogger logger)
{
    private string SourceFile => Path.Combine(standby.DataDirectory, "source");

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await PostgresCluster.PrepareFolderAsync(standby.DataDirectory, logger, cancellationToken);
        var password = await standby.Primary.PasswordParameter.GetValueAsync(cancellationToken) ?? throw new InvalidOperationException("No PostgreSQL password.");
        // Which primary cluster and password the backup was made from: when either differs, it cannot follow the primary.
        var source = $"{await SystemIdentifierAsync(standby.Primary.ClusterDirectory, cancellationToken)} {PostgresCluster.Fingerprint(password)}";
        if (!File.Exists(Path.Combine(standby.ClusterDirectory, "standby.signal")) || !File.Exists(SourceFile) || await File.ReadAllTextAsync(SourceFile, cancellationToken) != source)
        {
            await BaseBackupAsync(password, cancellationToken);
            await PrivateFile.WriteAsync(SourceFile, source, cancellationToken);
        }

        // The primary's port changes from one start to the next: where to stream from is written at every start, here,
        // rather than where pg_basebackup -R put it (postgresql.auto.conf, which would win over this file).
        var autoConf = Path.Combine(standby.ClusterDirectory, "postgresql.auto.conf");
        await File.WriteAllLinesAsync(autoConf,
            (await File.ReadAllLinesAsync(autoConf, cancellationToken)).Where(l => !l.TrimStart().StartsWith("primary_conninfo", StringComparison.Ordinal)), cancellationToken);
        var port = await standby.Primary.Port.GetValueAsync(cancellationToken);
        var conninfo = $"host=127.0.0.1 port={port} user={LocalPostgresResource.UserName} password={password} application_name={standby.Name}";

        // The backup copied the primary's settings file; the standby's own go after them.
        await File.WriteAllTextAsync(Path.Combine(standby.ClusterDirectory, "hexproperty.conf"), PostgresCluster.Settings + string.Join('\n',
        [
            "# The standby: answers reads, and tells the primary which rows its queries still need, so a long read is not cancelled.",
            "hot_standby = on",
            "hot_standby_feedback = on",
            "max_standby_streaming_delay = 5s",
            $"primary_conninfo = '{conninfo.Replace("'", "''", StringComparison.Ordinal)}'",
            "",
        ]), cancellationToken);
    }

    private async Task BaseBackupAsync(string password, CancellationToken cancellationToken)
    {
        if (Directory.Exists(standby.ClusterDirectory))
        {
            Directory.Delete(standby.ClusterDirectory, recursive: true);
        }

        var port = await standby.Primary.Port.GetValueAsync(cancellationToken) ?? throw new InvalidOperationException("The primary has no port yet.");
        logger.LogInformation("Taking a base backup of the primary (port {Port}) into {Directory}", port, standby.ClusterDirectory);
        await HostCommand.RunAsAsync(PostgresCluster.RunAs, Path.Combine(binDirectory, "pg_basebackup"),
            [
                "-h", "127.0.0.1", "-p", port, "-U", LocalPostgresResource.UserName, "-D", standby.ClusterDirectory,
                "--write-recovery-conf", "--wal-method=stream", "--checkpoint=fast", "--no-password",
            ],
            cancellationToken,
            environment: new Dictionary<string, string> { ["PGPASSWORD"] = password });
    }

    private async Task<string> SystemIdentifierAsync(string cluster, CancellationToken cancellationToken)
    {
        var control = await HostCommand.RunAsAsync(PostgresCluster.RunAs, Path.Combine(binDirectory, "pg_controldata"), [cluster], cancellationToken);
        return SystemIdentifier().Match(control) is { Success: true } found ? found.Groups[1].Value : throw new InvalidOperationException($"pg_controldata {cluster} gave no system identifier.");
    }

    [GeneratedRegex(@"Database system identifier:\s+(\d+)")]
    private static partial Regex SystemIdentifier();
}

using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HexProperty.Data.Persistence;

/// <summary>
/// Applies the hand-written migrations (embedded SQL files, in name order), each in its own transaction, and
/// records them in schema_migrations. A session advisory lock makes concurrent starters (Api replicas) take turns;
/// a migration changed after it was applied stops startup rather than leave schemas that differ.
/// </summary>
public sealed class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    /// <summary>"HexMigr" in ASCII: the advisory lock every migration runner takes.</summary>
    public const long AdvisoryLockKey = 0x4865784d696772;

    private const string ResourcePrefix = "HexProperty.Migrations.";

    public static IReadOnlyList<(string Id, string Sql)> Migrations { get; } = LoadMigrations();

    /// <summary>Applies what is missing; returns the ids it applied.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"select pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
        try
        {
            await ExecuteAsync(connection,
                "create table if not exists schema_migrations (id text primary key, checksum text not null, applied_at timestamptz not null default now(), duration_ms integer not null)",
                cancellationToken);
            var applied = await AppliedAsync(connection, cancellationToken);
            var done = new List<string>();
            foreach (var (id, sql) in Migrations)
            {
                var checksum = Checksum(sql);
                if (applied.TryGetValue(id, out var appliedChecksum))
                {
                    if (appliedChecksum != checksum)
                    {
                        throw new InvalidOperationException(
                            $"Migration {id} was changed after it was applied (checksum {appliedChecksum} in the database, {checksum} now). " +
                            "Add a new migration instead of editing an applied one.");
                    }

                    continue;
                }

                var clock = Stopwatch.StartNew();
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, sql, cancellationToken);
                await using (var record = new NpgsqlCommand("insert into schema_migrations (id, checksum, duration_ms) values ($1, $2, $3)", connection))
                {
                    record.Parameters.AddWithValue(id);
                    record.Parameters.AddWithValue(checksum);
                    record.Parameters.AddWithValue((int)clock.ElapsedMilliseconds);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Migration} in {Milliseconds} ms", id, clock.ElapsedMilliseconds);
                done.Add(id);
            }

            return done;
        }
        finally
        {
            await ExecuteAsync(connection, $"select pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
    }

    private static async Task<Dictionary<string, string>> AppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("select id, checksum from schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetString(0)] = reader.GetString(1);
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static string Checksum(string sql) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))))[..16];

    private static List<(string, string)> LoadMigrations()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n[ResourcePrefix.Length..^4], Read(assembly, n)))];
    }

    private static string Read(Assembly assembly, string name)
    {
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }
}

using HexProperty.Hosting.Orchestration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace HexProperty.Hosting.Postgres;

/// <summary>A database has no process of its own: it is ready once it exists on its healthy server.</summary>
internal sealed class PostgresDatabaseDriver(PostgresDatabaseResource database) : IResourceDriver
{
    private bool _created;

    public IReadOnlyList<ProcessSpec> CreateProcesses(int replica) => [];

    public async Task<HealthCheckResult> CheckHealthAsync(int replica, CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await EnsureCreatedAsync(cancellationToken);
            _created = true;
        }

        await PostgresProbe.SelectOneAsync(database.GetConnectionString(), null, cancellationToken);
        return HealthCheckResult.Healthy();
    }

    private async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await PostgresProbe.OpenServerAsync(database.Parent, cancellationToken);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection);
        exists.Parameters.AddWithValue(database.DatabaseName);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            // Identifiers cannot be parameters; the name is quoted with embedded quotes doubled.
            var quoted = "\"" + database.DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand($"create database {quoted}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

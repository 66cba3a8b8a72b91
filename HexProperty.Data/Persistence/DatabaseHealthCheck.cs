using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace HexProperty.Data.Persistence;

/// <summary>
/// Whether the database answers, asked on a connection of its own (a pool of one), never one from the service's
/// pool. Aspire's own checks borrow from that pool: under full load the pool was exhausted, the checks timed out
/// after 5 s, /health failed on every replica at once and the balancer took them all out, answering 503 to
/// everyone (bench/README.md). A busy pool is not a dead database.
/// </summary>
public sealed class DatabaseHealthCheck(string connectionString) : IHealthCheck, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(connectionString)
    {
        MaxPoolSize = 1,
        Timeout = 3,
        CommandTimeout = 3,
        ApplicationName = "hexproperty-health",
    }.ConnectionString).Build();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, e.Message, e);
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}

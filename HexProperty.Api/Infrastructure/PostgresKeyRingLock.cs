using HexProperty.Data.Persistence;
using HexProperty.ServiceDefaults.Security;
using Npgsql;

namespace HexProperty.Api.Infrastructure;

/// <summary>
/// The Api replicas' lock while the first data-protection key is made (<see cref="OneFirstKey"/>): a session advisory
/// lock on a connection of its own, released when that connection closes, also when the process dies.
/// </summary>
public sealed class PostgresKeyRingLock(IConfiguration configuration) : IKeyRingLock
{
    private const string Key = "hexproperty:data-protection:first-key";

    public async Task<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(Databases.Primary))
        {
            Pooling = false, // closing the connection releases the lock
            ApplicationName = "hexproperty-api-first-key",
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var take = new NpgsqlCommand("select pg_advisory_lock(hashtextextended($1, 0))", connection) { Parameters = { new() { Value = Key } } };
            await take.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

using Npgsql;

namespace HexProperty.Hosting.Postgres;

/// <summary>Readiness as a real client sees it: a fresh, unpooled connection that runs <c>select 1</c>.</summary>
internal static class PostgresProbe
{
    public static async Task SelectOneAsync(string connectionString, string? database, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3 };
        if (database is not null)
        {
            builder.Database = database;
        }

        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("select 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>A connection to the server's maintenance database, for work on the server itself.</summary>
    public static async Task<NpgsqlConnection> OpenServerAsync(PostgresServerResource server, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(server.GetConnectionString()) { Database = "postgres", Pooling = false, Timeout = 3 };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace HexProperty.Data.Persistence;

/// <summary>
/// A service's connection pool, with the seeds' defaults (seed 002): 20 connections, closed after 30 s idle, statements
/// stopped by the server after 30 s and commands given up by the client after 10 s. Bound from <c>Database:Pool</c>;
/// a service with long jobs (the Worker) leaves the timeouts off.
/// </summary>
public sealed class DatabasePoolOptions
{
    public const string SectionName = "Database:Pool";

    public int MaxConnections { get; set; } = 20;

    public TimeSpan IdleLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>PostgreSQL's <c>statement_timeout</c> on every connection; zero for none.</summary>
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Npgsql's command timeout; zero for none.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often EF Core runs an operation again after a transient failure (a dropped connection, a server
    /// restarting). Kept small: a request waits through every retry, and a database that is down should be a prompt 503,
    /// not a minute of back-off (EF Core's default: 6 retries, up to 30 s apart, about a minute).
    /// </summary>
    public int RetryCount { get; set; } = 3;

    /// <summary>The longest wait between two retries (EF Core's back-off doubles from 1 s up to this).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(1);

    internal void ApplyTo(NpgsqlConnectionStringBuilder connection)
    {
        connection.MaxPoolSize = MaxConnections;
        connection.ConnectionIdleLifetime = (int)IdleLifetime.TotalSeconds;
        connection.CommandTimeout = (int)CommandTimeout.TotalSeconds;
        if (StatementTimeout > TimeSpan.Zero)
        {
            connection.Options = $"{connection.Options} -c statement_timeout={(long)StatementTimeout.TotalMilliseconds}".Trim();
        }
    }
}

/// <summary>
/// Connections for reads that tolerate a little lag (search, anonymous calendars, exports): connection string
/// <c>hexdb-reads</c> lists the standby first and the primary after it with <c>Target Session
/// Attributes=prefer-standby</c>, so Npgsql opens them on the standby and on the primary while the standby is down.
/// What such a read returns is often cached until the next invalidation, so a connection on the standby is handed out
/// only once the standby has replayed everything the primary had written when it was asked for (its WAL position):
/// a cache filled after an invalidation never holds what came before it. A standby that does not catch up within
/// <see cref="CatchUpWait"/> is passed over for the primary. Without that connection string every read is on the primary.
/// </summary>
public sealed class ReadReplica(NpgsqlDataSource reads, NpgsqlDataSource primary, bool separate)
{
    /// <summary>How long a read waits for the standby to replay up to the primary's position before it reads from the primary.</summary>
    public static readonly TimeSpan CatchUpWait = TimeSpan.FromMilliseconds(200);

    private long _onStandby;
    private long _onPrimary;
    private long _standbyBehind;

    /// <summary>Whether reads have a data source of their own (a standby is configured).</summary>
    public bool Separate { get; } = separate;

    /// <summary>Reads served by the standby, by the primary, and of the latter those the standby was too far behind for.</summary>
    public (long OnStandby, long OnPrimary, long StandbyBehind) Counts => (Interlocked.Read(ref _onStandby), Interlocked.Read(ref _onPrimary), Interlocked.Read(ref _standbyBehind));

    /// <summary>An open connection that sees at least every write committed on the primary before the call.</summary>
    public async ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        if (!Separate)
        {
            Interlocked.Increment(ref _onPrimary);
            return await primary.OpenConnectionAsync(cancellationToken);
        }

        await using (var position = primary.CreateCommand("select pg_current_wal_lsn()::text"))
        {
            var target = (string)(await position.ExecuteScalarAsync(cancellationToken))!;
            if (await OpenCaughtUpAsync(target, cancellationToken) is { } connection)
            {
                return connection;
            }
        }

        Interlocked.Increment(ref _standbyBehind);
        Interlocked.Increment(ref _onPrimary);
        return await primary.OpenConnectionAsync(cancellationToken);
    }

    /// <summary>A connection from the reads data source once it has replayed up to <paramref name="target"/>; null when the
    /// standby stays behind for <see cref="CatchUpWait"/> or its connection fails (a standby that just went down).</summary>
    private async ValueTask<NpgsqlConnection?> OpenCaughtUpAsync(string target, CancellationToken cancellationToken)
    {
        NpgsqlConnection? connection = null;
        try
        {
            connection = await reads.OpenConnectionAsync(cancellationToken);
            await using var caughtUp = new NpgsqlCommand(
                "select pg_is_in_recovery(), coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)", connection)
            { Parameters = { new() { Value = target } } };
            var deadline = DateTime.UtcNow + CatchUpWait;
            while (true)
            {
                bool standby, current;
                await using (var reader = await caughtUp.ExecuteReaderAsync(cancellationToken))
                {
                    await reader.ReadAsync(cancellationToken);
                    (standby, current) = (reader.GetBoolean(0), reader.GetBoolean(1));
                }

                if (!standby || current)
                {
                    Interlocked.Increment(ref standby ? ref _onStandby : ref _onPrimary); // not a standby: Npgsql fell back to the primary
                    return connection;
                }

                if (DateTime.UtcNow > deadline)
                {
                    await connection.DisposeAsync();
                    return null;
                }

                await Task.Delay(2, cancellationToken);
            }
        }
        catch (NpgsqlException e) when (e is not PostgresException && !cancellationToken.IsCancellationRequested)
        {
            // A pooled connection to a standby that has since gone: the next opens skip it (Npgsql marks the host offline).
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            return null;
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            throw;
        }
    }
}

public static class Databases
{
    public const string Primary = "hexdb";
    public const string Reads = "hexdb-reads";

    /// <summary>
    /// Registers Aspire's data source for the primary (<c>hexdb</c>) and a <see cref="ReadReplica"/>, each with the
    /// pool of <see cref="DatabasePoolOptions"/> and commands traced only inside an operation.
    /// </summary>
    public static DatabasePoolOptions AddHexDatabases(this IHostApplicationBuilder builder, Action<DatabasePoolOptions>? defaults = null)
    {
        var pool = new DatabasePoolOptions();
        defaults?.Invoke(pool);
        builder.Configuration.GetSection(DatabasePoolOptions.SectionName).Bind(pool);
        builder.Services.AddSingleton(pool);

        void Configure(NpgsqlDataSourceBuilder dataSource)
        {
            pool.ApplyTo(dataSource.ConnectionStringBuilder);
            DatabaseTracing.OnlyWithinOperations(dataSource);
        }

        // Health is checked on connections of its own (DatabaseHealthCheck), not on the pool the requests use.
        builder.AddNpgsqlDataSource(Primary, settings => settings.DisableHealthChecks = true, Configure);
        AddHealthCheck(builder, Primary);
        if (string.IsNullOrEmpty(builder.Configuration.GetConnectionString(Reads)))
        {
            builder.Services.AddSingleton(provider => new ReadReplica(provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<NpgsqlDataSource>(), separate: false));
        }
        else
        {
            builder.AddKeyedNpgsqlDataSource(Reads, settings => settings.DisableHealthChecks = true, Configure);
            AddHealthCheck(builder, Reads);
            builder.Services.AddSingleton(provider => new ReadReplica(
                provider.GetRequiredKeyedService<NpgsqlDataSource>(Reads), provider.GetRequiredService<NpgsqlDataSource>(), separate: true));
        }

        return pool;
    }

    private static void AddHealthCheck(IHostApplicationBuilder builder, string name)
    {
        var connectionString = builder.Configuration.GetConnectionString(name)
            ?? throw new InvalidOperationException($"ConnectionStrings:{name} is missing.");
        // One check (and its connection) for the process's life: the registration's factory runs at every check.
        builder.Services.AddKeyedSingleton(name, (_, _) => new DatabaseHealthCheck(connectionString));
        builder.Services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
            name, provider => provider.GetRequiredKeyedService<DatabaseHealthCheck>(name), failureStatus: null, tags: null));
    }
}

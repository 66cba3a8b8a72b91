using HexProperty.Data.Persistence;
using Npgsql;

namespace HexProperty.Api.Infrastructure.Idempotency;

/// <summary>
/// This process's liveness as PostgreSQL sees it: a session advisory lock (<see cref="LockClass"/>, <see cref="Id"/>)
/// held on a connection of its own, outside the pool, for as long as the process lives. When the process dies its
/// connection closes and PostgreSQL frees the lock at once, so another replica knows straight away that work this
/// process had claimed (an idempotent request in progress) will never finish, instead of waiting for a timeout.
/// A lost connection (the database restarted) is opened again and the lock taken again; while it is lost, claims
/// this process made can be taken over, as if it had died.
/// </summary>
public sealed partial class ProcessLease(IConfiguration configuration, ILogger<ProcessLease> logger) : BackgroundService
{
    /// <summary>The first key of the two-key advisory lock ("HxLs"), so leases never meet the other advisory locks.</summary>
    public const int LockClass = 0x48784C73;

    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);

    private NpgsqlConnection? _connection;
    private volatile bool _held; // written by the lease loop, read by every keyed request

    /// <summary>This process's lease: random, so replicas (and restarts of one) never share it.</summary>
    public int Id { get; } = Random.Shared.Next(int.MinValue, int.MaxValue);

    /// <summary>Whether the lock is held now (the lease connection is up).</summary>
    public bool Held => _held;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Taken before the Api serves, so its first claims are already covered.
        try
        {
            await AcquireAsync(cancellationToken);
        }
        catch (NpgsqlException e)
        {
            LogLeaseLost(e.Message);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(CheckEvery, stoppingToken);
                if (_connection is null)
                {
                    await AcquireAsync(stoppingToken);
                    continue;
                }

                await using var ping = new NpgsqlCommand("select 1", _connection);
                await ping.ExecuteNonQueryAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (NpgsqlException e)
            {
                if (Held)
                {
                    LogLeaseLost(e.Message);
                }

                await DropAsync();
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await DropAsync();
    }

    private async Task AcquireAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(Databases.Primary))
        {
            Pooling = false,
            ApplicationName = "hexproperty-api-lease",
            // A half-open connection (the server's host gone) is noticed by the ping's timeout.
            CommandTimeout = 10,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var take = new NpgsqlCommand($"select pg_advisory_lock({LockClass}, {Id})", connection);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        _connection = connection;
        _held = true;
    }

    private async Task DropAsync()
    {
        _held = false;
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync(); // closing the session frees the lock
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The process lease on PostgreSQL is lost ({Reason}); requests this process claimed can be taken over until it is back.")]
    private partial void LogLeaseLost(string reason);
}

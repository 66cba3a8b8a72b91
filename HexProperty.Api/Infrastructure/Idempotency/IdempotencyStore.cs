using Npgsql;
using NpgsqlTypes;

namespace HexProperty.Api.Infrastructure.Idempotency;

/// <summary>
/// Requests made with an Idempotency-Key and the responses they got (table idempotency_requests). A key is
/// claimed atomically by the first request; every later one finds it and is answered from it. A claim names the
/// <see cref="ProcessLease"/> of the process running the request: when that process has died (a replica killed
/// mid-request, whose request the balancer retried on another), the claim is taken over at once.
/// </summary>
public sealed class IdempotencyStore(NpgsqlDataSource dataSource, ProcessLease lease, TimeProvider time)
{
    /// <summary>How long a response is replayed; after that the key is free again.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>A claim still in progress after this long belongs to a request that died, whatever its lease says; it may be
    /// taken over. Covers claims made while their process had no lease (its lease connection was down).</summary>
    public static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(2);

    public sealed record Stored(byte[] RequestHash, bool Completed, int? StatusCode, string? ContentType, string? Location, byte[]? Body);

    /// <summary>Claims the key for this request; when another request holds it, returns what that one stored.</summary>
    public async Task<Stored?> ClaimAsync(string scope, byte[] requestHash, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var claim = dataSource.CreateCommand($"""
            insert into idempotency_requests (scope, request_hash, state, created_at, owner) values ($1, $2, 'InProgress', $3, $6)
            on conflict (scope) do update
                set request_hash = excluded.request_hash, state = 'InProgress', status_code = null, content_type = null,
                    location = null, body = null, created_at = excluded.created_at, completed_at = null, owner = excluded.owner
                where idempotency_requests.created_at < $4
                   or (idempotency_requests.state = 'InProgress'
                       and (idempotency_requests.created_at < $5
                            -- the owner's lease is free: its process is gone (the lock is held only for this statement)
                            or (idempotency_requests.owner is not null
                                and pg_try_advisory_xact_lock({ProcessLease.LockClass}, idempotency_requests.owner))))
            returning 1
            """);
        claim.Parameters.AddWithValue(scope);
        claim.Parameters.AddWithValue(requestHash);
        claim.Parameters.AddWithValue(now);
        claim.Parameters.AddWithValue(now - Retention);
        claim.Parameters.AddWithValue(now - Abandoned);
        claim.Parameters.Add(new NpgsqlParameter { Value = lease.Held ? lease.Id : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        if (await claim.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return null;
        }

        await using var read = dataSource.CreateCommand(
            "select request_hash, state = 'Completed', status_code, content_type, location, body from idempotency_requests where scope = $1");
        read.Parameters.AddWithValue(scope);
        await using var row = await read.ExecuteReaderAsync(cancellationToken);
        if (!await row.ReadAsync(cancellationToken))
        {
            // Released between our two statements (the first request failed): claim it again.
            return await ClaimAsync(scope, requestHash, cancellationToken);
        }

        return new Stored(
            row.GetFieldValue<byte[]>(0), row.GetBoolean(1),
            row.IsDBNull(2) ? null : row.GetInt32(2), row.IsDBNull(3) ? null : row.GetString(3),
            row.IsDBNull(4) ? null : row.GetString(4), row.IsDBNull(5) ? null : row.GetFieldValue<byte[]>(5));
    }

    public async Task CompleteAsync(string scope, int statusCode, string? contentType, string? location, byte[] body, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            update idempotency_requests
            set state = 'Completed', status_code = $2, content_type = $3, location = $4, body = $5, completed_at = $6
            where scope = $1
            """);
        command.Parameters.AddWithValue(scope);
        command.Parameters.AddWithValue(statusCode);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)contentType ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)location ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(body);
        command.Parameters.AddWithValue(time.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Forgets the key, so a retry runs the request again (it failed in a way worth retrying).</summary>
    public async Task ReleaseAsync(string scope)
    {
        await using var command = dataSource.CreateCommand("delete from idempotency_requests where scope = $1 and state = 'InProgress'");
        command.Parameters.AddWithValue(scope);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }
}

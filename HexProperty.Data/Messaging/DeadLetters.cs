using System.Text;
using System.Text.Json;
using Npgsql;

namespace HexProperty.Data.Messaging;

/// <summary>Replaying an event a consumer gave up on: the one code path the Api's operators and the tests share.</summary>
public static class DeadLetters
{
    public enum ReplayOutcome
    {
        Replayed,
        NotFound,
        AlreadyReplayed,
        NotAnEvent,
    }

    /// <summary>
    /// Puts the dead letter back in its consumer's queue, through the outbox (destination: that queue only, so other
    /// subscribers do not see it twice), with its event id, so the consumer's inbox still recognises it. Marking it
    /// replayed and writing the outbox row happen in one transaction; a second replay of the same row is refused.
    /// </summary>
    public static async Task<ReplayOutcome> ReplayAsync(NpgsqlDataSource dataSource, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var read = new NpgsqlCommand("select consumer, event_id, type, body, trace_parent, replayed_at from dead_letters where id = $1 for update", connection, transaction);
        read.Parameters.AddWithValue(id);
        string consumer, type;
        Guid? eventId;
        byte[] body;
        string? traceParent;
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return ReplayOutcome.NotFound;
            }

            if (!reader.IsDBNull(5))
            {
                return ReplayOutcome.AlreadyReplayed;
            }

            (consumer, eventId, type, body, traceParent) = (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetString(2),
                reader.GetFieldValue<byte[]>(3), reader.IsDBNull(4) ? null : reader.GetString(4));
        }

        if (eventId is null || !IsJson(body))
        {
            return ReplayOutcome.NotAnEvent;
        }

        await using (var outbox = new NpgsqlCommand("""
            insert into outbox_messages (id, type, payload, trace_parent, occurred_at, destination) values ($1, $2, $3::jsonb, $4, $5, $6)
            """, connection, transaction))
        {
            outbox.Parameters.AddWithValue(eventId.Value);
            outbox.Parameters.AddWithValue(type);
            outbox.Parameters.AddWithValue(Encoding.UTF8.GetString(body));
            outbox.Parameters.AddWithValue((object?)traceParent ?? DBNull.Value);
            outbox.Parameters.AddWithValue(now);
            outbox.Parameters.AddWithValue(consumer);
            await outbox.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var mark = new NpgsqlCommand("update dead_letters set replayed_at = $2 where id = $1", connection, transaction))
        {
            mark.Parameters.AddWithValue(id);
            mark.Parameters.AddWithValue(now);
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return ReplayOutcome.Replayed;
    }

    private static bool IsJson(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

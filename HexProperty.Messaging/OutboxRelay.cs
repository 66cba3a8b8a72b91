using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using RabbitMQ.Client;

namespace HexProperty.Messaging;

/// <summary>
/// Publishes the outbox (table outbox_messages) to RabbitMQ: pending events in sequence order, each confirmed by the
/// broker before it is marked sent. One relay publishes at a time across all replicas (a session advisory lock), so
/// the order holds. When RabbitMQ refuses or is away it backs off (up to <see cref="MessagingOptions.OutboxMaxBackoff"/>)
/// and starts again from the first unsent event; after a crash the next relay does the same. An event published but
/// not yet marked sent when the process died is published again: delivery is at least once, and consumers' inboxes
/// make handling exactly once. The connection is asked for when relaying starts (it opens when the host starts, after
/// the hosted services are built).
/// </summary>
public sealed partial class OutboxRelay(
    NpgsqlDataSource dataSource, Func<IConnection> connection, IOptions<MessagingOptions> options, TimeProvider time, ILogger<OutboxRelay> logger) : BackgroundService
{
    /// <summary>The advisory lock key of the relay's leadership ("hexoutbx").</summary>
    private const long LeaderLock = 0x6865786f757462;

    private readonly MessagingOptions _options = options.Value;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private DateTimeOffset _lastPrune;

    /// <summary>Events published since start (for tests and the benchmark).</summary>
    public long Published => Interlocked.Read(ref _published);

    private long _published;

    /// <summary>Asks the relay to look now rather than at its next poll (after this process wrote events).</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RelayWhileLeaderAsync(stoppingToken);
                backoff = TimeSpan.Zero;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.OutboxMaxBackoff.Ticks));
                LogRelayFailed(e.Message, backoff.TotalSeconds);
                await DelayAsync(backoff, stoppingToken, wakeable: false);
            }
        }
    }

    /// <summary>Takes leadership (or waits for it) and relays until something fails; returns when another relay leads.</summary>
    private async Task RelayWhileLeaderAsync(CancellationToken stoppingToken)
    {
        await using var session = await dataSource.OpenConnectionAsync(stoppingToken);
        await using (var take = new NpgsqlCommand($"select pg_try_advisory_lock({LeaderLock})", session))
        {
            if (await take.ExecuteScalarAsync(stoppingToken) is not true)
            {
                await DelayAsync(_options.OutboxPollInterval * 10, stoppingToken, wakeable: false);
                return;
            }
        }

        try
        {
            await using var channel = await EventBusTopology.ConfirmingChannelAsync(connection(), stoppingToken);
            await EventBusTopology.DeclareExchangeAsync(channel, _options, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                var sent = await RelayBatchAsync(session, channel, stoppingToken);
                await PruneAsync(session, stoppingToken);
                if (sent < _options.OutboxBatchSize)
                {
                    await DelayAsync(_options.OutboxPollInterval, stoppingToken, wakeable: true);
                }
            }
        }
        finally
        {
            // The connection goes back to the pool, not away: hand leadership over now, not when it is next used.
            if (session.State == System.Data.ConnectionState.Open)
            {
                await using var release = new NpgsqlCommand("select pg_advisory_unlock_all()", session);
                await release.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }

    private async Task<int> RelayBatchAsync(NpgsqlConnection session, IChannel channel, CancellationToken stoppingToken)
    {
        var batch = new List<(long Sequence, Guid Id, string Type, byte[] Payload, string? TraceParent, string? TraceState, DateTimeOffset OccurredAt, string? Destination)>();
        await using (var select = new NpgsqlCommand(
            "select sequence, id, type, payload::text, trace_parent, trace_state, occurred_at, destination from outbox_messages where sent_at is null order by sequence limit $1", session))
        {
            select.Parameters.AddWithValue(_options.OutboxBatchSize);
            await using var reader = await select.ExecuteReaderAsync(stoppingToken);
            while (await reader.ReadAsync(stoppingToken))
            {
                batch.Add((reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), System.Text.Encoding.UTF8.GetBytes(reader.GetString(3)),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7)));
            }
        }

        // Pipelined: up to OutboxPublishWindow events are on the wire awaiting their confirms at once. They leave in
        // sequence order (one channel, one publisher, the library's send lock taken in call order), and the broker
        // confirms a channel's publishes in that order too. The confirms are awaited in order, so `published` is always
        // a prefix of the batch: everything before the first failure, which alone is marked sent.
        var published = new List<long>(batch.Count);
        var inFlight = new Queue<(long Sequence, Task Confirmed)>(_options.OutboxPublishWindow);
        Exception? failure = null;
        foreach (var message in batch)
        {
            if (inFlight.Count == _options.OutboxPublishWindow && !await ConfirmedAsync(inFlight.Dequeue()))
            {
                break;
            }

            inFlight.Enqueue((message.Sequence, Publish(channel, message, stoppingToken)));
        }

        while (failure is null && inFlight.TryDequeue(out var next) && await ConfirmedAsync(next))
        {
        }

        if (failure is not null)
        {
            // Publishes after the failed one may have reached the broker; they stay pending and are published again,
            // which the consumers' inboxes absorb.
            await Task.WhenAll(inFlight.Select(pending => pending.Confirmed)).ContinueWith(_ => { }, TaskScheduler.Default);
            if (failure is not OperationCanceledException)
            {
                await MarkFailedAsync(session, batch[published.Count].Sequence, failure.Message);
            }

            await MarkSentAsync(session, published);
            ExceptionDispatchInfo.Throw(failure);
        }

        await MarkSentAsync(session, published);
        return published.Count;

        async Task<bool> ConfirmedAsync((long Sequence, Task Confirmed) pending)
        {
            try
            {
                await pending.Confirmed;
                published.Add(pending.Sequence);
                return true;
            }
            catch (Exception e)
            {
                failure = e;
                return false;
            }
        }
    }

    /// <summary>Sends one event; the task completes when the broker confirms it (a nack or a lost connection throws).</summary>
    private Task Publish(IChannel channel, (long Sequence, Guid Id, string Type, byte[] Payload, string? TraceParent, string? TraceState, DateTimeOffset OccurredAt, string? Destination) message,
        CancellationToken stoppingToken)
    {
        var parent = message.TraceParent is not null && ActivityContext.TryParse(message.TraceParent, message.TraceState, out var context) ? context : default;
        using var activity = EventBusTopology.Source.StartActivity($"{message.Type} publish", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.system", "rabbitmq");
        // A replay goes to one consumer's queue through the default exchange; everything else to the topic exchange by type.
        var (exchange, routingKey) = message.Destination is { } queue ? ("", queue) : (_options.Exchange, message.Type);
        activity?.SetTag("messaging.destination.name", message.Destination ?? _options.Exchange);
        activity?.SetTag("messaging.message.id", message.Id.ToString());
        var properties = new BasicProperties
        {
            MessageId = message.Id.ToString(),
            Type = message.Type,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            Timestamp = new AmqpTimestamp(message.OccurredAt.ToUnixTimeSeconds()),
        };
        EventBusTopology.InjectTrace(properties, activity);
        return channel.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, message.Payload, stoppingToken).AsTask();
    }

    private async Task MarkSentAsync(NpgsqlConnection session, List<long> sequences)
    {
        if (sequences.Count == 0)
        {
            return;
        }

        // Not cancelled by shutdown: the broker has these events; forgetting that would only publish them twice.
        await using var update = new NpgsqlCommand("update outbox_messages set sent_at = $1, attempts = attempts + 1 where sequence = any($2)", session);
        update.Parameters.AddWithValue(time.GetUtcNow());
        update.Parameters.AddWithValue(sequences.ToArray());
        await update.ExecuteNonQueryAsync(CancellationToken.None);
        Interlocked.Add(ref _published, sequences.Count);
    }

    private static async Task MarkFailedAsync(NpgsqlConnection session, long sequence, string error)
    {
        await using var update = new NpgsqlCommand("update outbox_messages set attempts = attempts + 1, last_error = $2 where sequence = $1", session);
        update.Parameters.AddWithValue(sequence);
        update.Parameters.AddWithValue(error.Length > 500 ? error[..500] : error);
        await update.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private async Task PruneAsync(NpgsqlConnection session, CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        if (now - _lastPrune < TimeSpan.FromMinutes(10))
        {
            return;
        }

        _lastPrune = now;
        await using var prune = new NpgsqlCommand("delete from outbox_messages where sent_at < $1", session);
        prune.Parameters.AddWithValue(now - _options.Retention);
        var pruned = await prune.ExecuteNonQueryAsync(stoppingToken);
        if (pruned > 0)
        {
            LogPruned(pruned);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken stoppingToken, bool wakeable)
    {
        if (wakeable)
        {
            await _wake.WaitAsync(delay, stoppingToken);
        }
        else
        {
            await Task.Delay(delay, time, stoppingToken);
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay stopped ({Error}); starting again from the first unsent event in {Seconds:0.#} s")]
    private partial void LogRelayFailed(string error, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox: pruned {Count} sent events past retention")]
    private partial void LogPruned(int count);
}

using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace HexProperty.Messaging;

/// <summary>What a handler receives: the event as sent, and the transaction its effects (and the inbox row) commit in.</summary>
public sealed record IncomingEvent(Guid Id, string Type, ReadOnlyMemory<byte> Body, int Attempt, NpgsqlConnection Connection, NpgsqlTransaction Transaction);

/// <summary>Handles the events a consumer subscribes to; its database work goes through the given transaction.</summary>
public interface IIntegrationEventHandler
{
    /// <summary>The consumer's name: its queue, its inbox, its trace spans.</summary>
    string Consumer { get; }

    /// <summary>Routing patterns of the events it handles ("booking.*").</summary>
    IReadOnlyList<string> Bindings { get; }

    Task HandleAsync(IncomingEvent incoming, CancellationToken cancellationToken);
}

/// <summary>An event no attempt can handle (unreadable, unknown type): it is dead-lettered at once.</summary>
public sealed class PoisonEventException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Consumes one service's queue. Each event is handled in a PostgreSQL transaction that also records its id in the
/// consumer's inbox: a redelivered event (a crash between commit and ack, a relay that published twice) finds its id
/// and is acknowledged without running again. A failing handler's event goes to the retry queue and comes back after
/// <see cref="MessagingOptions.RetryDelay"/>, up to <see cref="MessagingOptions.MaxAttempts"/> attempts, then is kept in
/// table dead_letters for an operator to replay; the queue itself never stops for it. A copy is placed (a confirmed
/// publish, or the dead-letter row) before the original is acknowledged, so a failure in between delivers twice (the
/// inbox absorbs it) rather than losing the event.
/// </summary>
public sealed partial class EventConsumer(
    IIntegrationEventHandler handler, NpgsqlDataSource dataSource, Func<IConnection> connection, IOptions<MessagingOptions> options, TimeProvider time,
    ILogger<EventConsumer> logger) : BackgroundService
{
    private readonly MessagingOptions _options = options.Value;
    private IChannel? _consuming;
    private IChannel? _publishing;
    private readonly SemaphoreSlim _publish = new(1, 1);

    /// <summary>Deliveries handled (not duplicates), for tests and the benchmark.</summary>
    public long Handled => Interlocked.Read(ref _handled);

    /// <summary>Deliveries recognised as already handled and acknowledged without running.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    private long _handled;
    private long _duplicates;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _publishing = await EventBusTopology.ConfirmingChannelAsync(connection(), cancellationToken);
        _consuming = await connection().CreateChannelAsync(cancellationToken: cancellationToken);
        await EventBusTopology.DeclareConsumerAsync(_consuming, _options, handler.Consumer, handler.Bindings, cancellationToken);
        await _consuming.BasicQosAsync(0, _options.Prefetch, global: false, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var consumer = new AsyncEventingBasicConsumer(_consuming!);
        consumer.ReceivedAsync += (_, delivery) => OnDeliveryAsync(delivery, stoppingToken);
        await _consuming!.BasicConsumeAsync(handler.Consumer, autoAck: false, consumer, stoppingToken);
        await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task OnDeliveryAsync(BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        var properties = delivery.BasicProperties;
        var type = properties.Type ?? delivery.RoutingKey;
        var attempt = EventBusTopology.Attempts(properties) + 1;
        using var activity = EventBusTopology.Source.StartActivity($"{type} process", ActivityKind.Consumer, EventBusTopology.ParentOf(properties));
        activity?.SetTag("messaging.system", "rabbitmq");
        activity?.SetTag("messaging.consumer.group.name", handler.Consumer);
        activity?.SetTag("messaging.message.id", properties.MessageId);
        try
        {
            if (!Guid.TryParse(properties.MessageId, out var id))
            {
                throw new PoisonEventException("the message has no event id (message-id)");
            }

            await HandleOnceAsync(new IncomingEventHeader(id, type, attempt), delivery.Body, stoppingToken);
            await _consuming!.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-event: back to the queue for the next consumer, nothing was committed.
            await _consuming!.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            var poison = e is PoisonEventException or System.Text.Json.JsonException;
            try
            {
                if (poison || attempt >= _options.MaxAttempts)
                {
                    await DeadLetterAsync(delivery, type, attempt, (poison ? "poison: " : "") + e.Message);
                    LogDeadLettered(type, properties.MessageId, attempt, e.Message);
                }
                else
                {
                    await RetryLaterAsync(delivery, attempt, e.Message);
                    LogRetrying(type, properties.MessageId, attempt, _options.MaxAttempts, _options.RetryDelay.TotalSeconds, e.Message);
                }

                await _consuming!.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
            }
            catch (Exception forwarding) when (forwarding is not OperationCanceledException)
            {
                // The copy could not be placed: keep the original in the queue rather than lose it.
                LogForwardFailed(type, properties.MessageId, forwarding.Message);
                await _consuming!.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Keeps an event this consumer gave up on in table dead_letters, for an operator to read and replay through the Api.
    /// When the database cannot take it (often the reason the handler failed), it goes round the retry queue once more.
    /// </summary>
    private async Task DeadLetterAsync(BasicDeliverEventArgs delivery, string type, int attempt, string error)
    {
        error = error.Length > 2000 ? error[..2000] : error;
        try
        {
            await using var insert = dataSource.CreateCommand("""
                insert into dead_letters (id, consumer, event_id, type, body, trace_parent, attempts, error, dead_at)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """);
            insert.Parameters.AddWithValue(Guid.CreateVersion7());
            insert.Parameters.AddWithValue(handler.Consumer);
            insert.Parameters.AddWithValue(Guid.TryParse(delivery.BasicProperties.MessageId, out var id) ? id : DBNull.Value);
            insert.Parameters.AddWithValue(type);
            insert.Parameters.AddWithValue(delivery.Body.ToArray());
            insert.Parameters.AddWithValue((object?)EventBusTopology.Header(delivery.BasicProperties, EventBusTopology.TraceParentHeader) ?? DBNull.Value);
            insert.Parameters.AddWithValue(attempt);
            insert.Parameters.AddWithValue(error);
            insert.Parameters.AddWithValue(time.GetUtcNow());
            await insert.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            await RetryLaterAsync(delivery, attempt, error + $" (dead-lettering failed: {e.Message})");
        }
    }

    private readonly record struct IncomingEventHeader(Guid Id, string Type, int Attempt);

    private async Task HandleOnceAsync(IncomingEventHeader header, ReadOnlyMemory<byte> body, CancellationToken stoppingToken)
    {
        await using var database = await dataSource.OpenConnectionAsync(stoppingToken);
        await using var transaction = await database.BeginTransactionAsync(stoppingToken);
        await using (var inbox = new NpgsqlCommand(
            "insert into inbox_messages (consumer, event_id, handled_at) values ($1, $2, $3) on conflict do nothing", database, transaction))
        {
            inbox.Parameters.AddWithValue(handler.Consumer);
            inbox.Parameters.AddWithValue(header.Id);
            inbox.Parameters.AddWithValue(time.GetUtcNow());
            if (await inbox.ExecuteNonQueryAsync(stoppingToken) == 0)
            {
                Interlocked.Increment(ref _duplicates);
                return; // handled before: acknowledge without running again
            }
        }

        await handler.HandleAsync(new IncomingEvent(header.Id, header.Type, body, header.Attempt, database, transaction), stoppingToken);
        await transaction.CommitAsync(stoppingToken);
        Interlocked.Increment(ref _handled);
    }

    /// <summary>Publishes a copy to the retry queue (default exchange), confirmed, with the attempt count and the error.</summary>
    private async Task RetryLaterAsync(BasicDeliverEventArgs delivery, int attempt, string error)
    {
        var properties = new BasicProperties(delivery.BasicProperties)
        {
            DeliveryMode = DeliveryModes.Persistent,
            Headers = new Dictionary<string, object?>(delivery.BasicProperties.Headers ?? new Dictionary<string, object?>())
            {
                [EventBusTopology.AttemptsHeader] = attempt,
                [EventBusTopology.ErrorHeader] = error.Length > 500 ? error[..500] : error,
            },
            Expiration = ((long)_options.RetryDelay.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        await _publish.WaitAsync(CancellationToken.None);
        try
        {
            await _publishing!.BasicPublishAsync("", EventBusTopology.RetryQueue(handler.Consumer), mandatory: true, properties, delivery.Body, CancellationToken.None);
        }
        finally
        {
            _publish.Release();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_consuming is not null)
        {
            await _consuming.CloseAsync(cancellationToken);
        }

        if (_publishing is not null)
        {
            await _publishing.CloseAsync(cancellationToken);
        }
    }

    public override void Dispose()
    {
        _consuming?.Dispose();
        _publishing?.Dispose();
        _publish.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {Type} {Id} failed attempt {Attempt} of {Max}; retrying in {Seconds:0.#} s: {Error}")]
    private partial void LogRetrying(string type, string? id, int attempt, int max, double seconds, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {Type} {Id} dead-lettered after attempt {Attempt}: {Error}")]
    private partial void LogDeadLettered(string type, string? id, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {Type} {Id} could not be forwarded ({Error}); left in the queue")]
    private partial void LogForwardFailed(string type, string? id, string error);
}

using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;

namespace HexProperty.Messaging;

/// <summary>
/// The broker's shape, declared idempotently by whoever starts first: one durable topic exchange; per consuming
/// service a durable quorum queue bound to the event types it handles, and a retry queue whose messages come back to it
/// after a delay. Events that failed every attempt are kept in PostgreSQL (dead_letters), where the Api lists and replays them.
/// </summary>
public static class EventBusTopology
{
    public const string AttemptsHeader = "x-attempts";
    public const string ErrorHeader = "x-error";
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    /// <summary>Traces the relay's publishes and the consumers' handling, parented on the request that caused the event.</summary>
    public static readonly ActivitySource Source = new("HexProperty.Messaging");

    public static string RetryQueue(string consumer) => consumer + ".retry";

    /// <summary>A channel whose every publish completes only when the broker has confirmed it (and throws when it refuses).</summary>
    public static Task<IChannel> ConfirmingChannelAsync(IConnection connection, CancellationToken cancellationToken) =>
        connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);

    public static Task DeclareExchangeAsync(IChannel channel, MessagingOptions options, CancellationToken cancellationToken) =>
        channel.ExchangeDeclareAsync(options.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);

    public static async Task DeclareConsumerAsync(IChannel channel, MessagingOptions options, string consumer, IEnumerable<string> bindings, CancellationToken cancellationToken)
    {
        await DeclareExchangeAsync(channel, options, cancellationToken);
        var quorum = new Dictionary<string, object?> { ["x-queue-type"] = "quorum" };
        await channel.QueueDeclareAsync(consumer, durable: true, exclusive: false, autoDelete: false, arguments: quorum, cancellationToken: cancellationToken);
        // A message expires here after its own delay (per-message TTL; every message waits the same, so the head expires
        // first) and the broker dead-letters it back to the consumer's queue through the default exchange.
        await channel.QueueDeclareAsync(RetryQueue(consumer), durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
        {
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = consumer,
        }, cancellationToken: cancellationToken);
        foreach (var binding in bindings)
        {
            await channel.QueueBindAsync(consumer, options.Exchange, binding, cancellationToken: cancellationToken);
        }
    }

    /// <summary>The trace context carried by a message, if any.</summary>
    public static ActivityContext ParentOf(IReadOnlyBasicProperties properties)
    {
        var parent = Header(properties, TraceParentHeader);
        return parent is not null && ActivityContext.TryParse(parent, Header(properties, TraceStateHeader), out var context) ? context : default;
    }

    public static string? Header(IReadOnlyBasicProperties properties, string name) =>
        properties.Headers?.TryGetValue(name, out var value) == true
            ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), string text => text, _ => value?.ToString() }
            : null;

    public static int Attempts(IReadOnlyBasicProperties properties) =>
        properties.Headers?.TryGetValue(AttemptsHeader, out var value) == true ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    /// <summary>Writes the current activity's context into the message headers (W3C trace context).</summary>
    public static void InjectTrace(BasicProperties properties, Activity? activity)
    {
        if (activity is null)
        {
            return;
        }

        properties.Headers ??= new Dictionary<string, object?>();
        properties.Headers[TraceParentHeader] = activity.Id;
        if (activity.TraceStateString is { } state)
        {
            properties.Headers[TraceStateHeader] = state;
        }
    }
}

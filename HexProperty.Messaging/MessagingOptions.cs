namespace HexProperty.Messaging;

/// <summary>The event bus's settings (configuration section <c>Messaging</c>).</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary>The topic exchange every integration event is published to, with its type as the routing key.</summary>
    public string Exchange { get; set; } = "hexproperty.events";

    /// <summary>How many unacknowledged deliveries a consumer holds at once.</summary>
    public ushort Prefetch { get; set; } = 16;

    /// <summary>Deliveries of one event to a failing handler before it goes to the dead-letter queue.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>How long a failed event waits in the retry queue before its next attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the relay looks for new events when it found none.</summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    public int OutboxBatchSize { get; set; } = 200;

    /// <summary>
    /// How many events the relay has on the wire awaiting their confirms at once (1 publishes one by one). At most 64:
    /// beyond half of RabbitMQ.Client's 128 outstanding confirms its rate limiter delays publishes, and delayed publishes
    /// could overtake each other.
    /// </summary>
    public int OutboxPublishWindow { get; set; } = 64;

    /// <summary>The longest the relay waits between attempts while RabbitMQ refuses or is unreachable.</summary>
    public TimeSpan OutboxMaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sent events and handled ids are kept this long (for audit and redelivery dedup), then pruned.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
}

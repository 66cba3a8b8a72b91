using System.Text.Json;
using System.Text.Json.Serialization;

namespace HexProperty.Data.Messaging;

/// <summary>
/// Something that happened in the booking platform that other services react to. Published through the outbox; the
/// routing key is <see cref="Type"/> (topic exchange: a consumer binds "booking.*" or "#").
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(BookingHeld), BookingHeld.Name)]
[JsonDerivedType(typeof(BookingConfirmed), BookingConfirmed.Name)]
[JsonDerivedType(typeof(BookingCancelled), BookingCancelled.Name)]
[JsonDerivedType(typeof(HoldExpired), HoldExpired.Name)]
[JsonDerivedType(typeof(JobFinished), JobFinished.Name)]
[JsonDerivedType(typeof(AlertChanged), AlertChanged.Name)]
public abstract record IntegrationEvent
{
    /// <summary>Unique per event: a consumer's inbox key, and the message id on the wire.</summary>
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>The event's name: its routing key and its JSON type discriminator.</summary>
    [JsonIgnore]
    public string Type => TypeName;

    protected abstract string TypeName { get; }
}

/// <summary>The facts about a booking every event of it carries.</summary>
public sealed record BookingFacts(
    Guid BookingId, string Reference, Guid AgencyId, Guid PropertyId, Guid UnitId, DateOnly CheckIn, DateOnly CheckOut, decimal Total, string Currency);

/// <summary>A guest held nights; the booking waits for payment until its hold lapses.</summary>
public sealed record BookingHeld(BookingFacts Booking, DateTimeOffset HoldExpiresAt) : IntegrationEvent
{
    public const string Name = "booking.held";

    protected override string TypeName => Name;
}

/// <summary>A held booking was paid and is confirmed; the payment that confirmed it.</summary>
public sealed record BookingConfirmed(BookingFacts Booking, Guid PaymentId, decimal Amount, string Method) : IntegrationEvent
{
    public const string Name = "booking.confirmed";

    protected override string TypeName => Name;
}

/// <summary>A confirmed booking was cancelled and refunded by policy.</summary>
public sealed record BookingCancelled(BookingFacts Booking, Guid RefundId, decimal Refunded, int Percent) : IntegrationEvent
{
    public const string Name = "booking.cancelled";

    protected override string TypeName => Name;
}

/// <summary>A hold lapsed unpaid and its nights were freed.</summary>
public sealed record HoldExpired(BookingFacts Booking) : IntegrationEvent
{
    public const string Name = "booking.hold-expired";

    protected override string TypeName => Name;
}

/// <summary>A background job ended (succeeded, failed or cancelled); for an export, its file is ready to download.</summary>
public sealed record JobFinished(Guid JobId, Guid AgencyId, Guid UserId, string JobType, string Status, long RowsDone, string? FileName, string? Error) : IntegrationEvent
{
    public const string Name = "job.finished";

    protected override string TypeName => Name;
}

/// <summary>A monitoring alert started firing or resolved (Prometheus' rules, through Alertmanager): operators are told.</summary>
public sealed record AlertChanged(Guid AlertId, string AlertName, string Severity, string Status, string Summary, DateTimeOffset StartsAt) : IntegrationEvent
{
    public const string Name = "alert.changed";

    protected override string TypeName => Name;
}

/// <summary>How events are stored and sent: web JSON, the type as a discriminator.</summary>
// jsonb stores keys in its own order, so the type discriminator may come anywhere.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(IntegrationEvent))]
public sealed partial class IntegrationEventJson : JsonSerializerContext;

namespace HexProperty.Data.Model;

/// <summary>Money a guest paid for a booking (or staff recorded as paid).</summary>
public sealed class Payment : IAgencyOwned
{
    public Guid Id { get; set; }

    public Guid AgencyId { get; set; }

    public Guid BookingId { get; set; }

    public decimal Amount { get; set; }

    public required string Currency { get; set; }

    public PaymentMethod Method { get; set; }

    public PaymentStatus Status { get; set; }

    /// <summary>The payment provider's id for the charge.</summary>
    public string? ProviderReference { get; set; }

    /// <summary>Last four digits of a card; the number itself is never stored.</summary>
    public string? CardLast4 { get; set; }

    /// <summary>The client's Idempotency-Key; unique per agency, so a retried request can never charge twice.</summary>
    public required string IdempotencyKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public enum PaymentMethod
{
    Card,
    BankTransfer,
    Cash,
}

public enum PaymentStatus
{
    Succeeded,
    Refunded,
    PartiallyRefunded,
}

/// <summary>Money returned to a guest when a booking is cancelled, as the property's cancellation policy allows.</summary>
public sealed class Refund : IAgencyOwned
{
    public Guid Id { get; set; }

    public Guid AgencyId { get; set; }

    public Guid BookingId { get; set; }

    public Guid PaymentId { get; set; }

    public decimal Amount { get; set; }

    public required string Currency { get; set; }

    /// <summary>Share of the payment returned, in percent, as the policy decided it.</summary>
    public int Percent { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

using HexProperty.Data.Model;
using HexProperty.Data.Pricing;

namespace HexProperty.Seed;

/// <summary>A generated data set: the catalogue as entities, the bookings compactly (their quotes are priced again when written).</summary>
public sealed class DataSet
{
    public required List<Agency> Agencies { get; init; }

    public required List<StaffUser> StaffUsers { get; init; }

    public required List<Property> Properties { get; init; }

    public required List<Unit> Units { get; init; }

    /// <summary>Pricing input per unit, index-aligned with <see cref="Units"/>.</summary>
    public required List<UnitRates> Rates { get; init; }

    public required List<RateRule> RateRules { get; init; }

    public required List<Guest> Guests { get; init; }

    public required SeedBooking[] Bookings { get; init; }
}

/// <summary>One booking and what followed it (payment, cancellation and refund), in 80 bytes.</summary>
public readonly record struct SeedBooking(
    int Index,
    Guid Id,
    int Unit,
    int Guest,
    DateOnly CheckIn,
    DateOnly CheckOut,
    short Guests,
    BookingStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CancelledAt,
    decimal Total,
    byte RefundPercent,
    PaymentMethod Method)
{
    public int Nights() => CheckOut.DayNumber - CheckIn.DayNumber;
}

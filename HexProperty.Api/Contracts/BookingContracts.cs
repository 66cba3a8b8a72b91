using HexProperty.Data.Model;
using HexProperty.Data.Pricing;

namespace HexProperty.Api.Contracts;

/// <summary>A guest asks to hold a unit's nights while paying.</summary>
/// <param name="ExpectedTotal">The total the guest was shown; if prices changed since, the hold is refused (409) rather than surprise them.</param>
public sealed record HoldRequest(Guid UnitId, DateOnly CheckIn, DateOnly CheckOut, int Guests, GuestDetails Guest, decimal? ExpectedTotal = null);

public sealed record GuestDetails(string FullName, string Email, string? Phone = null);

/// <summary>Pays a held booking by card, which confirms it. The amount must be the quoted total.</summary>
public sealed record CardPaymentRequest(string Email, decimal Amount, string Currency, CardDetails Card);

/// <param name="Number">Digits only; never stored (the last four are).</param>
public sealed record CardDetails(string Number, int ExpiryMonth, int ExpiryYear, string Cvc, string HolderName);

public sealed record CancelRequest(string Email);

/// <summary>Staff record a payment taken outside the Api (cash at the desk, a bank transfer), confirming a held booking.</summary>
public sealed record RecordedPaymentRequest(decimal Amount, string Currency, PaymentMethod Method);

public sealed record BookingView(
    string Reference,
    BookingStatus Status,
    Guid PropertyId,
    Guid UnitId,
    DateOnly CheckIn,
    DateOnly CheckOut,
    int Guests,
    DateTimeOffset? HoldExpiresAt,
    PriceQuote Quote,
    decimal Total,
    string Currency,
    GuestView Guest,
    PaymentView? Payment,
    RefundView? Refund)
{
    public static BookingView From(Booking booking, Guest guest, Payment? payment, Refund? refund) => new(
        booking.Reference, booking.Status, booking.PropertyId, booking.UnitId, booking.CheckIn, booking.CheckOut, booking.Guests,
        booking.HoldExpiresAt, booking.Quote, booking.Total, booking.Currency, new GuestView(guest.FullName, guest.Email, guest.Phone),
        payment is null ? null : PaymentView.From(payment), refund is null ? null : RefundView.From(refund));
}

public sealed record GuestView(string FullName, string Email, string? Phone);

public sealed record PaymentView(Guid Id, decimal Amount, string Currency, PaymentMethod Method, PaymentStatus Status, string? CardLast4, DateTimeOffset CreatedAt)
{
    public static PaymentView From(Payment payment) =>
        new(payment.Id, payment.Amount, payment.Currency, payment.Method, payment.Status, payment.CardLast4, payment.CreatedAt);
}

public sealed record RefundView(decimal Amount, string Currency, int Percent, string Reason, DateTimeOffset CreatedAt)
{
    public static RefundView From(Refund refund) => new(refund.Amount, refund.Currency, refund.Percent, refund.Reason, refund.CreatedAt);
}

/// <summary>A stay that overlaps the one asked for, as told to the guest (a hold counts as booked).</summary>
public sealed record OccupiedStay(DateOnly CheckIn, DateOnly CheckOut, string Reason);

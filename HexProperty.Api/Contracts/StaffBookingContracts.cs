using HexProperty.Data.Model;

namespace HexProperty.Api.Contracts;

/// <summary>Staff's filters on the agency's bookings; stays are listed by check-in date, newest first.</summary>
public sealed record StaffBookingQuery(
    BookingStatus? Status, Guid? PropertyId, Guid? UnitId, DateOnly? From, DateOnly? To, string? GuestEmail, int? Limit, string? After, string? Sort);

public sealed record StaffBookingRow(
    Guid Id, string Reference, BookingStatus Status, Guid PropertyId, Guid UnitId, DateOnly CheckIn, DateOnly CheckOut, int Guests,
    decimal Total, string Currency, string GuestName, string GuestEmail, BookingSource Source, DateTimeOffset CreatedAt);

public sealed record StaffPaymentQuery(DateOnly? From, DateOnly? To, PaymentStatus? Status, int? Limit, string? After, string? Sort);

public sealed record StaffPaymentRow(
    Guid Id, Guid BookingId, string BookingReference, decimal Amount, string Currency, PaymentMethod Method, PaymentStatus Status,
    string? CardLast4, decimal Refunded, DateTimeOffset CreatedAt);

using HexProperty.Data.Pricing;

namespace HexProperty.Data.Model;

/// <summary>
/// A guest's stay in a unit over the half-open range [CheckIn, CheckOut): nights from check-in up to, not
/// including, check-out, so one stay may end the day the next begins. Starts Held for a few minutes, then
/// Held -> Confirmed (paid) -> CheckedIn -> Completed, or Held -> Expired, or Confirmed -> Cancelled.
/// </summary>
public sealed class Booking : IAgencyOwned
{
    public Guid Id { get; set; }

    /// <summary>What the guest quotes to find the booking: 8 characters, no look-alikes.</summary>
    public required string Reference { get; set; }

    public Guid AgencyId { get; set; }

    public Guid PropertyId { get; set; }

    public Guid UnitId { get; set; }

    public Guid GuestId { get; set; }

    public DateOnly CheckIn { get; set; }

    public DateOnly CheckOut { get; set; }

    public int Guests { get; set; }

    public BookingStatus Status { get; set; }

    /// <summary>While Held: when the hold lapses unless paid.</summary>
    public DateTimeOffset? HoldExpiresAt { get; set; }

    /// <summary>The quote the guest was shown and pays, with its per-night breakdown; later rate changes do not touch it.</summary>
    public required PriceQuote Quote { get; set; }

    public decimal Total { get; set; }

    public required string Currency { get; set; }

    public BookingSource Source { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ConfirmedAt { get; set; }

    public DateTimeOffset? CheckedInAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    public DateTimeOffset? ExpiredAt { get; set; }

    public Guest? Guest { get; set; }

    public Unit? Unit { get; set; }

    public Property? Property { get; set; }

    public int Nights => CheckOut.DayNumber - CheckIn.DayNumber;

    /// <summary>A hold past its expiry no longer reserves anything, whether or not a sweeper has marked it yet.</summary>
    public bool IsLapsed(DateTimeOffset now) => Status == BookingStatus.Held && HoldExpiresAt <= now;

    public void Confirm(DateTimeOffset now)
    {
        Require(Status == BookingStatus.Held && !IsLapsed(now), IsLapsed(now) ? "the hold has expired" : $"it is {Status}");
        Status = BookingStatus.Confirmed;
        HoldExpiresAt = null;
        ConfirmedAt = now;
    }

    public void Expire(DateTimeOffset now)
    {
        Require(IsLapsed(now), "the hold has not lapsed");
        Status = BookingStatus.Expired;
        HoldExpiresAt = null;
        ExpiredAt = now;
    }

    public void Cancel(DateTimeOffset now)
    {
        Require(Status == BookingStatus.Confirmed, $"it is {Status}");
        Status = BookingStatus.Cancelled;
        CancelledAt = now;
    }

    public void MarkCheckedIn(DateTimeOffset now)
    {
        Require(Status == BookingStatus.Confirmed, $"it is {Status}");
        Status = BookingStatus.CheckedIn;
        CheckedInAt = now;
    }

    public void Complete(DateTimeOffset now)
    {
        Require(Status == BookingStatus.CheckedIn, $"it is {Status}");
        Status = BookingStatus.Completed;
        CompletedAt = now;
    }

    private void Require(bool allowed, string because)
    {
        if (!allowed)
        {
            throw new BookingTransitionException(Reference, because);
        }
    }
}

public enum BookingStatus
{
    Held,
    Confirmed,
    CheckedIn,
    Completed,
    Expired,
    Cancelled,
}

public enum BookingSource
{
    Web,
    Api,
    Staff,
}

/// <summary>A change of status the booking's life cycle does not allow (the Api answers 409).</summary>
public sealed class BookingTransitionException(string reference, string because)
    : InvalidOperationException($"Booking {reference} cannot do that: {because}.")
{
    public string Reason { get; } = because;
}

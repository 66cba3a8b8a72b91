using HexProperty.Data.Model;
using HexProperty.Data.Pricing;

namespace HexProperty.Data.Tests;

public sealed class BookingLifecycleTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 10, 12, 0, 0, TimeSpan.Zero);

    private static Booking Held(TimeSpan holdLeft) => new()
    {
        Reference = "HXTEST01",
        Status = BookingStatus.Held,
        HoldExpiresAt = Now + holdLeft,
        Currency = "EUR",
        Quote = new PriceQuote("EUR", new(2027, 2, 1), new(2027, 2, 3), 2, [], 0m, null, 0m, [], 0m),
    };

    [Fact]
    public void A_paid_hold_becomes_confirmed_then_checked_in_then_completed()
    {
        var booking = Held(TimeSpan.FromMinutes(10));

        booking.Confirm(Now);
        booking.MarkCheckedIn(Now);
        booking.Complete(Now);

        Assert.Equal(BookingStatus.Completed, booking.Status);
        Assert.Null(booking.HoldExpiresAt);
        Assert.Equal(Now, booking.ConfirmedAt);
    }

    [Fact]
    public void A_lapsed_hold_cannot_be_confirmed_even_before_a_sweeper_marked_it()
    {
        var booking = Held(TimeSpan.FromMinutes(-1));

        var error = Assert.Throws<BookingTransitionException>(() => booking.Confirm(Now));

        Assert.True(booking.IsLapsed(Now));
        Assert.Equal("the hold has expired", error.Reason);
        booking.Expire(Now);
        Assert.Equal(BookingStatus.Expired, booking.Status);
    }

    [Fact]
    public void Only_a_confirmed_booking_can_be_cancelled_and_only_once()
    {
        var held = Held(TimeSpan.FromMinutes(10));
        Assert.Throws<BookingTransitionException>(() => held.Cancel(Now));

        held.Confirm(Now);
        held.Cancel(Now);
        var again = Assert.Throws<BookingTransitionException>(() => held.Cancel(Now));

        Assert.Equal("it is Cancelled", again.Reason);
    }

    [Fact]
    public void A_live_hold_does_not_expire()
    {
        var booking = Held(TimeSpan.FromSeconds(1));

        Assert.False(booking.IsLapsed(Now));
        Assert.Throws<BookingTransitionException>(() => booking.Expire(Now));
    }
}

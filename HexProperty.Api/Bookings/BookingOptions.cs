namespace HexProperty.Api.Bookings;

/// <summary>Booking settings, from the "Booking" configuration section.</summary>
public sealed class BookingOptions
{
    /// <summary>How long a hold keeps a unit's nights while the guest pays.</summary>
    public TimeSpan HoldDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Live holds one guest (email) may have at once, so no one can hoard a calendar.</summary>
    public int MaxLiveHoldsPerGuest { get; set; } = 3;
}

using HexProperty.Data.Model;

namespace HexProperty.Data.Pricing;

/// <summary>
/// How much of what a guest paid comes back on cancellation, by the property's policy and the whole days left
/// before check-in (counted in the property's time zone):
/// Flexible: all of it up to 1 day before check-in, nothing after.
/// Moderate: all up to 5 days before, half up to 1 day before, nothing after.
/// Strict: half up to 7 days before, nothing after.
/// </summary>
public static class RefundPolicy
{
    public static int Percent(CancellationPolicy policy, DateOnly today, DateOnly checkIn)
    {
        var daysBefore = checkIn.DayNumber - today.DayNumber;
        return policy switch
        {
            CancellationPolicy.Flexible => daysBefore >= 1 ? 100 : 0,
            CancellationPolicy.Moderate => daysBefore >= 5 ? 100 : daysBefore >= 1 ? 50 : 0,
            CancellationPolicy.Strict => daysBefore >= 7 ? 50 : 0,
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "unknown cancellation policy"),
        };
    }

    public static decimal Amount(decimal paid, int percent) => Money.Percent(paid, percent);
}

namespace HexProperty.Data.Pricing;

/// <summary>
/// The one rounding rule for money: every line of a quote (each night, the discount, each tax, each refund) is
/// rounded on its own to the currency's cents, half away from zero (2.345 -> 2.35, -2.345 -> -2.35); sums are
/// then exact, so the lines a guest sees always add up to the total charged. Every currency we accept has two
/// decimals.
/// </summary>
public static class Money
{
    public static readonly IReadOnlySet<string> Currencies = new HashSet<string>(StringComparer.Ordinal)
    {
        "EUR", "USD", "GBP", "CHF", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN", "CZK",
    };

    public static decimal Round(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    /// <summary><paramref name="amount"/> times <paramref name="percent"/>%, rounded.</summary>
    public static decimal Percent(decimal amount, decimal percent) => Round(amount * percent / 100m);
}

namespace HexProperty.Data.Pricing;

/// <summary>
/// Prices a stay. Pure: the same unit terms, dates and guests always give the same quote.
/// Each night costs the base rate, or the highest-priority season covering it (a fixed price, or the base rate
/// changed by a percentage); Friday and Saturday nights then get the weekend uplift. The longest stay-length
/// discount the stay qualifies for comes off the nights; cleaning is added; taxes apply to nights after discount
/// plus cleaning, and per guest per night. Rounding follows <see cref="Money"/>.
/// </summary>
public static class StayPricer
{
    public static QuoteOutcome Quote(UnitRates unit, DateOnly checkIn, DateOnly checkOut, int guests)
    {
        var nights = checkOut.DayNumber - checkIn.DayNumber;
        if (nights < 1)
        {
            return new QuoteRejection("checkOut", "must be after checkIn");
        }

        if (nights < unit.MinNights)
        {
            return new QuoteRejection("checkOut", $"the stay is {nights} nights; this unit takes at least {unit.MinNights}");
        }

        if (nights > unit.MaxNights)
        {
            return new QuoteRejection("checkOut", $"the stay is {nights} nights; this unit takes at most {unit.MaxNights}");
        }

        if (guests < 1)
        {
            return new QuoteRejection("guests", "must be at least 1");
        }

        if (guests > unit.Capacity)
        {
            return new QuoteRejection("guests", $"this unit sleeps at most {unit.Capacity}");
        }

        var nightPrices = new List<NightPrice>(nights);
        for (var date = checkIn; date < checkOut; date = date.AddDays(1))
        {
            nightPrices.Add(PriceNight(unit, date));
        }

        var subtotal = nightPrices.Sum(n => n.Price);
        var discount = unit.Discounts.Where(d => nights >= d.MinNights).OrderByDescending(d => d.MinNights).FirstOrDefault() is { } best
            ? new QuoteDiscount(best.Name, best.Percent, Money.Percent(subtotal, best.Percent))
            : null;
        var taxable = subtotal - (discount?.Amount ?? 0m) + unit.CleaningFee;
        var taxes = unit.Taxes
            .Select(t => new QuoteTax(t.Name, Money.Percent(taxable, t.Percent) + Money.Round(t.AmountPerGuestNight * guests * nights)))
            .ToList();

        return new PriceQuote(unit.Currency, checkIn, checkOut, guests, nightPrices, subtotal, discount, unit.CleaningFee, taxes, taxable + taxes.Sum(t => t.Amount));
    }

    private static NightPrice PriceNight(UnitRates unit, DateOnly date)
    {
        var season = unit.Seasons
            .Where(s => s.Start <= date && date < s.End)
            .OrderByDescending(s => s.Priority)
            .ThenByDescending(s => s.Start)
            .FirstOrDefault();
        var price = season switch
        {
            { NightlyPrice: { } fixedPrice } => fixedPrice,
            { Percent: { } percent } => unit.BaseNightlyRate * (1 + percent / 100m),
            _ => unit.BaseNightlyRate,
        };
        var weekend = date.DayOfWeek is DayOfWeek.Friday or DayOfWeek.Saturday && unit.WeekendUpliftPercent != 0;
        if (weekend)
        {
            price *= 1 + unit.WeekendUpliftPercent / 100m;
        }

        return new NightPrice(date, Money.Round(price), season?.Name, weekend);
    }
}

/// <summary>Either a quote or the reason the stay cannot be priced.</summary>
public readonly struct QuoteOutcome
{
    private QuoteOutcome(PriceQuote? quote, QuoteRejection? rejection)
    {
        Quote = quote;
        Rejection = rejection;
    }

    public PriceQuote? Quote { get; }

    public QuoteRejection? Rejection { get; }

    public static implicit operator QuoteOutcome(PriceQuote quote) => new(quote, null);

    public static implicit operator QuoteOutcome(QuoteRejection rejection) => new(null, rejection);
}

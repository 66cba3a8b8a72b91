using HexProperty.Data.Pricing;

namespace HexProperty.Data.Tests;

public sealed class StayPricerTests
{
    // 2027-03-01 is a Monday.
    private static readonly DateOnly Monday = new(2027, 3, 1);

    private static UnitRates Unit(
        decimal baseRate = 100m, decimal cleaning = 50m, int capacity = 4, int minNights = 1, int maxNights = 60,
        SeasonRate[]? seasons = null, decimal weekend = 0m, StayLengthDiscount[]? discounts = null, TaxRate[]? taxes = null) =>
        new(baseRate, cleaning, capacity, minNights, maxNights, "EUR", seasons ?? [], weekend, discounts ?? [], taxes ?? []);

    private static PriceQuote Quote(UnitRates unit, DateOnly checkIn, int nights, int guests = 2) =>
        StayPricer.Quote(unit, checkIn, checkIn.AddDays(nights), guests).Quote
        ?? throw new Xunit.Sdk.XunitException(StayPricer.Quote(unit, checkIn, checkIn.AddDays(nights), guests).Rejection!.Reason);

    [Fact]
    public void Weeknights_at_the_base_rate_plus_cleaning()
    {
        var quote = Quote(Unit(), Monday, 3);

        Assert.Equal([100m, 100m, 100m], quote.Nights.Select(n => n.Price));
        Assert.Equal([Monday, Monday.AddDays(1), Monday.AddDays(2)], quote.Nights.Select(n => n.Date));
        Assert.Equal(300m, quote.NightsSubtotal);
        Assert.Equal(350m, quote.Total);
        Assert.Equal("EUR", quote.Currency);
    }

    [Fact]
    public void Friday_and_Saturday_nights_carry_the_weekend_uplift()
    {
        var quote = Quote(Unit(weekend: 20m), Monday.AddDays(3), 4); // Thursday to Monday

        Assert.Equal([100m, 120m, 120m, 100m], quote.Nights.Select(n => n.Price));
        Assert.Equal([false, true, true, false], quote.Nights.Select(n => n.Weekend));
    }

    [Fact]
    public void A_season_sets_the_price_of_the_nights_it_covers_and_its_end_date_is_not_one_of_them()
    {
        var summer = new SeasonRate("Summer", Monday.AddDays(1), Monday.AddDays(3), NightlyPrice: 180m, Percent: null, Priority: 0);

        var quote = Quote(Unit(seasons: [summer]), Monday, 4);

        Assert.Equal([100m, 180m, 180m, 100m], quote.Nights.Select(n => n.Price));
        Assert.Equal([null, "Summer", "Summer", null], quote.Nights.Select(n => n.Season));
    }

    [Fact]
    public void Where_seasons_overlap_the_higher_priority_wins_and_a_percentage_season_scales_the_base_rate()
    {
        var high = new SeasonRate("High season", Monday, Monday.AddDays(30), NightlyPrice: null, Percent: 25m, Priority: 0);
        var festival = new SeasonRate("Festival", Monday.AddDays(1), Monday.AddDays(2), NightlyPrice: 400m, Percent: null, Priority: 10);
        var lowPromo = new SeasonRate("Promo", Monday, Monday.AddDays(30), NightlyPrice: null, Percent: -50m, Priority: -1);

        var quote = Quote(Unit(seasons: [high, festival, lowPromo]), Monday, 3);

        Assert.Equal([125m, 400m, 125m], quote.Nights.Select(n => n.Price));
    }

    [Fact]
    public void The_weekend_uplift_applies_on_top_of_a_season()
    {
        var season = new SeasonRate("Winter", Monday, Monday.AddDays(10), NightlyPrice: 80m, Percent: null, Priority: 0);

        var quote = Quote(Unit(seasons: [season], weekend: 25m), Monday.AddDays(4), 1); // a Friday

        Assert.Equal(100m, quote.Nights.Single().Price);
    }

    [Fact]
    public void The_longest_stay_length_discount_the_stay_qualifies_for_comes_off_the_nights_only()
    {
        StayLengthDiscount[] discounts = [new("Weekly", 7, 10m), new("Monthly", 28, 25m)];

        var six = Quote(Unit(discounts: discounts), Monday, 6);
        var week = Quote(Unit(discounts: discounts), Monday, 7);
        var month = Quote(Unit(discounts: discounts), Monday, 28);

        Assert.Null(six.Discount);
        Assert.Equal(new QuoteDiscount("Weekly", 10m, 70m), week.Discount);
        Assert.Equal(700m - 70m + 50m, week.Total);
        Assert.Equal(new QuoteDiscount("Monthly", 25m, 700m), month.Discount);
        Assert.Equal(2800m - 700m + 50m, month.Total);
    }

    [Fact]
    public void Taxes_apply_to_discounted_nights_plus_cleaning_and_per_guest_per_night()
    {
        TaxRate[] taxes = [new("VAT", 10m, 0m), new("Tourist tax", 0m, 2.5m)];

        var quote = Quote(Unit(discounts: [new("Weekly", 7, 10m)], taxes: taxes), Monday, 7, guests: 3);

        // nights 700, discount 70, cleaning 50 -> taxable 680; VAT 68; tourist tax 2.50 x 3 guests x 7 nights
        Assert.Equal([new QuoteTax("VAT", 68m), new QuoteTax("Tourist tax", 52.5m)], quote.Taxes);
        Assert.Equal(680m + 68m + 52.5m, quote.Total);
    }

    [Fact]
    public void Each_line_is_rounded_on_its_own_and_the_lines_add_up_to_the_total()
    {
        // 33.33 x 1.05 = 34.9965 a night -> 35.00; 10 % of 105.00 -> 10.50; 7 % VAT of 144.50 = 10.115 -> 10.12.
        var unit = Unit(baseRate: 33.33m, cleaning: 50m, seasons: [new("Spring", Monday, Monday.AddDays(9), null, 5m, 0)],
            discounts: [new("Short", 3, 10m)], taxes: [new("VAT", 7m, 0m)]);

        var quote = Quote(unit, Monday, 3);

        Assert.Equal([35.00m, 35.00m, 35.00m], quote.Nights.Select(n => n.Price));
        Assert.Equal(10.50m, quote.Discount!.Amount);
        Assert.Equal(10.12m, quote.Taxes.Single().Amount);
        Assert.Equal(154.62m, quote.Total);
        Assert.Equal(quote.Nights.Sum(n => n.Price) - quote.Discount.Amount + quote.CleaningFee + quote.Taxes.Sum(t => t.Amount), quote.Total);
    }

    [Theory]
    [InlineData("2.345", "2.35")] // banker's rounding would give 2.34
    [InlineData("-2.345", "-2.35")]
    [InlineData("0.125", "0.13")]
    [InlineData("10.114999", "10.11")]
    public void Money_rounds_half_away_from_zero_to_cents(string amount, string rounded)
    {
        Assert.Equal(decimal.Parse(rounded, System.Globalization.CultureInfo.InvariantCulture), Money.Round(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData(0, 2, "checkOut", "must be after checkIn")]
    [InlineData(1, 2, "checkOut", "at least 2")]
    [InlineData(15, 2, "checkOut", "at most 14")]
    [InlineData(3, 5, "guests", "at most 4")]
    [InlineData(3, 0, "guests", "at least 1")]
    public void A_stay_the_unit_does_not_take_is_rejected_naming_the_field(int nights, int guests, string field, string reason)
    {
        var outcome = StayPricer.Quote(Unit(minNights: 2, maxNights: 14), Monday, Monday.AddDays(nights), guests);

        Assert.Null(outcome.Quote);
        Assert.Equal(field, outcome.Rejection!.Field);
        Assert.Contains(reason, outcome.Rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_inputs_always_give_the_same_quote()
    {
        var unit = Unit(weekend: 15m, discounts: [new("Weekly", 7, 12m)], taxes: [new("VAT", 9m, 1m)]);

        var first = Quote(unit, Monday.AddDays(2), 9);
        var second = Quote(unit, Monday.AddDays(2), 9);

        Assert.Equal(first.Total, second.Total);
        Assert.Equal(first.Nights, second.Nights);
    }
}

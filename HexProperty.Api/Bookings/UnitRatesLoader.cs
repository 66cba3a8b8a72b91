using HexProperty.Data.Model;
using HexProperty.Data.Pricing;

namespace HexProperty.Api.Bookings;

/// <summary>Turns a unit and its active rules into the pricing function's input.</summary>
public static class UnitRatesLoader
{
    public static UnitRates From(Unit unit, string currency, IEnumerable<RateRule> rules)
    {
        var active = rules.Where(r => r.Active).ToList();
        return new UnitRates(
            unit.BaseNightlyRate,
            unit.CleaningFee,
            unit.Capacity,
            unit.MinNights,
            unit.MaxNights,
            currency,
            [.. active.Where(r => r.Kind == RateRuleKind.Season).Select(r => new SeasonRate(r.Name, r.StartDate!.Value, r.EndDate!.Value, r.NightlyPrice, r.Percent, r.Priority))],
            active.Where(r => r.Kind == RateRuleKind.WeekendUplift).OrderByDescending(r => r.Priority).Select(r => r.Percent ?? 0m).FirstOrDefault(),
            [.. active.Where(r => r.Kind == RateRuleKind.StayLengthDiscount).Select(r => new StayLengthDiscount(r.Name, r.MinNights!.Value, r.Percent!.Value))],
            [.. active.Where(r => r.Kind == RateRuleKind.Tax).Select(r => new TaxRate(r.Name, r.Percent ?? 0m, r.AmountPerGuestNight ?? 0m))]);
    }
}

namespace HexProperty.Data.Pricing;

/// <summary>Everything that prices a unit's stay: its base terms and its active rules.</summary>
public sealed record UnitRates(
    decimal BaseNightlyRate,
    decimal CleaningFee,
    int Capacity,
    int MinNights,
    int MaxNights,
    string Currency,
    IReadOnlyList<SeasonRate> Seasons,
    decimal WeekendUpliftPercent,
    IReadOnlyList<StayLengthDiscount> Discounts,
    IReadOnlyList<TaxRate> Taxes);

/// <summary>Nights in [Start, End) cost <see cref="NightlyPrice"/>, or the base rate changed by <see cref="Percent"/>.</summary>
public sealed record SeasonRate(string Name, DateOnly Start, DateOnly End, decimal? NightlyPrice, decimal? Percent, int Priority);

/// <summary>Stays of at least <see cref="MinNights"/> nights get <see cref="Percent"/> off the nights.</summary>
public sealed record StayLengthDiscount(string Name, int MinNights, decimal Percent);

/// <summary>A percentage of the taxable amount (nights after discount, plus cleaning), and/or an amount per guest per night.</summary>
public sealed record TaxRate(string Name, decimal Percent, decimal AmountPerGuestNight);

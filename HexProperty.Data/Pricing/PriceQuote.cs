namespace HexProperty.Data.Pricing;

/// <summary>A priced stay: what each night costs and why, then the discount, cleaning, taxes and total.</summary>
public sealed record PriceQuote(
    string Currency,
    DateOnly CheckIn,
    DateOnly CheckOut,
    int Guests,
    IReadOnlyList<NightPrice> Nights,
    decimal NightsSubtotal,
    QuoteDiscount? Discount,
    decimal CleaningFee,
    IReadOnlyList<QuoteTax> Taxes,
    decimal Total);

/// <param name="Season">The season that set the price, if any.</param>
/// <param name="Weekend">Friday or Saturday night, with the weekend uplift applied.</param>
public sealed record NightPrice(DateOnly Date, decimal Price, string? Season, bool Weekend);

public sealed record QuoteDiscount(string Name, decimal Percent, decimal Amount);

public sealed record QuoteTax(string Name, decimal Amount);

/// <summary>Why a stay cannot be priced, naming the request field at fault.</summary>
public sealed record QuoteRejection(string Field, string Reason);

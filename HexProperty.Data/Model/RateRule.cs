namespace HexProperty.Data.Model;

/// <summary>
/// One pricing rule of a unit. A season changes nightly rates within dates (a fixed price, or a percentage of the
/// base rate); a weekend uplift raises Friday and Saturday nights; a stay-length discount takes a percentage off
/// stays of at least N nights; a tax adds a percentage and/or an amount per guest per night.
/// </summary>
public sealed class RateRule : IAgencyOwned
{
    public Guid Id { get; set; }

    public Guid UnitId { get; set; }

    public Guid AgencyId { get; set; }

    public RateRuleKind Kind { get; set; }

    public required string Name { get; set; }

    /// <summary>Season: first night covered.</summary>
    public DateOnly? StartDate { get; set; }

    /// <summary>Season: first night no longer covered (half-open, like stays).</summary>
    public DateOnly? EndDate { get; set; }

    /// <summary>Season: the nightly price instead of the base rate.</summary>
    public decimal? NightlyPrice { get; set; }

    /// <summary>Season (+/-), weekend uplift (+), stay-length discount (off) or tax (on), in percent.</summary>
    public decimal? Percent { get; set; }

    /// <summary>Stay-length discount: the shortest stay it applies to (7 for weekly, 28 for monthly).</summary>
    public int? MinNights { get; set; }

    /// <summary>Tax: a fixed amount per guest per night (a tourist tax).</summary>
    public decimal? AmountPerGuestNight { get; set; }

    /// <summary>Where seasons overlap, the higher priority wins.</summary>
    public int Priority { get; set; }

    public bool Active { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }
}

public enum RateRuleKind
{
    Season,
    WeekendUplift,
    StayLengthDiscount,
    Tax,
}

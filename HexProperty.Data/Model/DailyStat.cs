namespace HexProperty.Data.Model;

/// <summary>One property's figures for one day, maintained by the Worker (table daily_stats); see DailyStats.</summary>
public sealed class DailyStat : IAgencyOwned
{
    public Guid PropertyId { get; set; }

    public DateOnly Day { get; set; }

    public Guid AgencyId { get; set; }

    public int NightsSold { get; set; }

    public int NightsBlocked { get; set; }

    public decimal Revenue { get; set; }

    public int ArrivalsHeld { get; set; }

    public int ArrivalsConfirmed { get; set; }

    public int ArrivalsCompleted { get; set; }

    public int ArrivalsCancelled { get; set; }

    public int ArrivalsExpired { get; set; }

    public DateTimeOffset ComputedAt { get; set; }
}

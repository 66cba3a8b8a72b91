namespace HexProperty.Api.Contracts;

/// <summary>The agency dashboard for the days [From, To), optionally one property.</summary>
public sealed record DashboardQuery(DateOnly? From, DateOnly? To, Guid? PropertyId);

/// <summary>
/// Figures of a period: occupancy = nights sold / nights available; ADR = revenue / nights sold; RevPAR = revenue /
/// nights available. Nights available = active units x days - blocked unit-nights. Revenue is in the agency's
/// currencies summed as numbers (each agency prices in one currency).
/// </summary>
public sealed record DashboardKpis(
    long NightsAvailable, long NightsSold, decimal Revenue, double Occupancy, decimal Adr, decimal RevPar,
    int ArrivalsHeld, int ArrivalsConfirmed, int ArrivalsCompleted, int ArrivalsCancelled, int ArrivalsExpired);

public sealed record DashboardDay(DateOnly Day, long NightsAvailable, long NightsSold, decimal Revenue, double Occupancy);

public sealed record AgencyDashboard(DateOnly From, DateOnly To, Guid? PropertyId, int Units, DashboardKpis Totals, IReadOnlyList<DashboardDay> Days, DateTimeOffset? ComputedAt);

using System.Security.Claims;
using HexProperty.Api.Caching;
using HexProperty.Api.Contracts;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Caching;
using HexProperty.Data.Caching;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;

namespace HexProperty.Api.Apis.Staff;

/// <summary>
/// The agency dashboard: occupancy, ADR, RevPAR, revenue and arrivals by status over a period, per day for charts.
/// Read from the Worker's daily statistics (never from bookings) and cached until the Worker recomputes them.
/// </summary>
public static class StaffDashboardApi
{
    public const int MaxDays = 366;

    public static IEndpointRouteBuilder MapStaffDashboardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/staff/dashboard", GetAsync).WithTags("Staff dashboard").WithName("AgencyDashboard")
            .WithSummary("Occupancy, revenue and arrivals per day over a period, for the agency or one property.").RequireAuthorization(StaffPolicies.Staff);
        return app;
    }

    public static async Task<Results<Ok<AgencyDashboard>, ValidationProblem, ProblemHttpResult>> GetAsync(
        [AsParameters] DashboardQuery query, ClaimsPrincipal user, HybridCache cache, CacheProfiles profiles, IServiceScopeFactory scopes, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var to = query.To ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(1);
        var from = query.From ?? to.AddDays(-30);
        if (to <= from)
        {
            return Problems.Invalid("to", "must be after from (the period is [from, to))");
        }

        if (to.DayNumber - from.DayNumber > MaxDays)
        {
            return Problems.Invalid("to", $"the period may span at most {MaxDays} days");
        }

        var profile = profiles[ApiCaching.AgencyDashboard];
        var key = profile.Key($"{agency:N}:{query.PropertyId:N}:{from:yyyyMMdd}:{to:yyyyMMdd}");
        var dashboard = await cache.GetOrCreateAsync(
            key, (Scopes: scopes, Agency: agency, query.PropertyId, From: from, To: to),
            static (state, token) => ReadAsync(state.Scopes, state.Agency, state.PropertyId, state.From, state.To, token),
            profile.EntryOptions, [CacheTags.Dashboard(agency)], cancellationToken);
        return dashboard is null ? Problems.NotFound("property with this id in your agency") : TypedResults.Ok(dashboard);
    }

    private static async ValueTask<AgencyDashboard?> ReadAsync(IServiceScopeFactory scopes, Guid agency, Guid? propertyId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HexDbContext>();
        if (propertyId is { } id && !await db.Properties.AnyAsync(p => p.Id == id && p.AgencyId == agency, cancellationToken))
        {
            return null;
        }

        var units = await db.Units.CountAsync(u => u.AgencyId == agency && u.Active && (propertyId == null || u.PropertyId == propertyId), cancellationToken);
        var stats = db.DailyStats.AsNoTracking().Where(s => s.AgencyId == agency && s.Day >= from && s.Day < to);
        if (propertyId is { } property)
        {
            stats = stats.Where(s => s.PropertyId == property);
        }

        var days = await stats.GroupBy(s => s.Day).Select(g => new
        {
            Day = g.Key,
            Sold = g.Sum(s => s.NightsSold),
            Blocked = g.Sum(s => s.NightsBlocked),
            Revenue = g.Sum(s => s.Revenue),
            Held = g.Sum(s => s.ArrivalsHeld),
            Confirmed = g.Sum(s => s.ArrivalsConfirmed),
            Completed = g.Sum(s => s.ArrivalsCompleted),
            Cancelled = g.Sum(s => s.ArrivalsCancelled),
            Expired = g.Sum(s => s.ArrivalsExpired),
            Computed = g.Max(s => s.ComputedAt),
        }).ToDictionaryAsync(d => d.Day, cancellationToken);

        var series = new List<DashboardDay>(to.DayNumber - from.DayNumber);
        for (var day = from; day < to; day = day.AddDays(1))
        {
            days.TryGetValue(day, out var d);
            long available = Math.Max(0, units - (d?.Blocked ?? 0));
            long sold = d?.Sold ?? 0;
            series.Add(new DashboardDay(day, available, sold, d?.Revenue ?? 0m, available == 0 ? 0 : Math.Round((double)sold / available, 4)));
        }

        var totalAvailable = series.Sum(d => d.NightsAvailable);
        var totalSold = series.Sum(d => d.NightsSold);
        var revenue = series.Sum(d => d.Revenue);
        var totals = new DashboardKpis(
            totalAvailable, totalSold, revenue,
            totalAvailable == 0 ? 0 : Math.Round((double)totalSold / totalAvailable, 4),
            totalSold == 0 ? 0 : Math.Round(revenue / totalSold, 2),
            totalAvailable == 0 ? 0 : Math.Round(revenue / totalAvailable, 2),
            days.Values.Sum(d => d.Held), days.Values.Sum(d => d.Confirmed), days.Values.Sum(d => d.Completed), days.Values.Sum(d => d.Cancelled), days.Values.Sum(d => d.Expired));
        return new AgencyDashboard(from, to, propertyId, units, totals, series, days.Count == 0 ? null : days.Values.Max(d => d.Computed));
    }
}

using System.Security.Claims;
using HexProperty.Api.Contracts;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Caching;
using HexProperty.Data.Caching;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;

namespace HexProperty.Api.Apis.Staff;

/// <summary>A unit's pricing rules. A change prices new quotes and holds; bookings keep the quote they were made with.</summary>
public static class StaffRateRulesApi
{
    public static IEndpointRouteBuilder MapStaffRateRulesApi(this IEndpointRouteBuilder app)
    {
        var staff = app.MapGroup("/api/staff").WithTags("Staff catalogue").RequireAuthorization(StaffPolicies.Staff);
        staff.MapGet("/units/{unitId:guid}/rate-rules", ListAsync).WithName("ListRateRules")
            .WithSummary("A unit's rate rules.");
        staff.MapPost("/units/{unitId:guid}/rate-rules", CreateAsync).Validate<RateRuleRequest>().RequireAuthorization(StaffPolicies.Catalogue).WithName("CreateRateRule")
            .WithSummary("Adds a rate rule (season, weekend uplift, stay-length discount, tax) to a unit.");
        staff.MapGet("/rate-rules/{id:guid}", GetAsync).WithName("GetRateRule")
            .WithSummary("One rate rule of the agency.");
        staff.MapPut("/rate-rules/{id:guid}", UpdateAsync).Validate<RateRuleRequest>().RequireAuthorization(StaffPolicies.Catalogue).WithName("UpdateRateRule")
            .WithSummary("Changes a rate rule.");
        staff.MapDelete("/rate-rules/{id:guid}", DeactivateAsync).RequireAuthorization(StaffPolicies.Catalogue).WithName("DeactivateRateRule")
            .WithSummary("Stops a rate rule from pricing stays.");
        return app;
    }

    public static async Task<Results<Ok<List<RateRuleView>>, ProblemHttpResult>> ListAsync(Guid unitId, ClaimsPrincipal user, HexDbContext db, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        if (!await db.Units.AnyAsync(u => u.Id == unitId && u.AgencyId == agency, cancellationToken))
        {
            return Problems.NotFound("unit with this id in your agency");
        }

        var rules = await db.RateRules.AsNoTracking().Where(r => r.UnitId == unitId && r.AgencyId == agency)
            .OrderBy(r => r.Kind).ThenBy(r => r.StartDate).ThenBy(r => r.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(rules.Select(RateRuleView.From).ToList());
    }

    public static async Task<Results<Created<RateRuleView>, ProblemHttpResult>> CreateAsync(
        Guid unitId, RateRuleRequest request, ClaimsPrincipal user, HexDbContext db, HybridCache cache, TimeProvider time, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        if (!await db.Units.AnyAsync(u => u.Id == unitId && u.AgencyId == agency, cancellationToken))
        {
            return Problems.NotFound("unit with this id in your agency");
        }

        var rule = new RateRule { Id = Guid.CreateVersion7(), UnitId = unitId, AgencyId = agency, Name = "", CreatedAt = time.GetUtcNow() };
        Apply(rule, request);
        db.RateRules.Add(rule);
        await db.SaveChangesAsync(cancellationToken);
        await cache.InvalidateAfterWriteAsync([CacheTags.Unit(unitId)]);
        return TypedResults.Created($"/api/staff/rate-rules/{rule.Id}", RateRuleView.From(rule));
    }

    public static async Task<Results<Ok<RateRuleView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, HexDbContext db, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var rule = await db.RateRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.AgencyId == agency, cancellationToken);
        return rule is null ? Problems.NotFound("rate rule with this id in your agency") : TypedResults.Ok(RateRuleView.From(rule));
    }

    public static async Task<Results<Ok<RateRuleView>, ProblemHttpResult>> UpdateAsync(
        Guid id, RateRuleRequest request, ClaimsPrincipal user, HexDbContext db, HybridCache cache, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var rule = await db.RateRules.FirstOrDefaultAsync(r => r.Id == id && r.AgencyId == agency, cancellationToken);
        if (rule is null)
        {
            return Problems.NotFound("rate rule with this id in your agency");
        }

        Apply(rule, request);
        await db.SaveChangesAsync(cancellationToken);
        await cache.InvalidateAfterWriteAsync([CacheTags.Unit(rule.UnitId)]);
        return TypedResults.Ok(RateRuleView.From(rule));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeactivateAsync(Guid id, ClaimsPrincipal user, HexDbContext db, HybridCache cache, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var rule = await db.RateRules.FirstOrDefaultAsync(r => r.Id == id && r.AgencyId == agency, cancellationToken);
        if (rule is null)
        {
            return Problems.NotFound("rate rule with this id in your agency");
        }

        rule.Active = false;
        await db.SaveChangesAsync(cancellationToken);
        await cache.InvalidateAfterWriteAsync([CacheTags.Unit(rule.UnitId)]);
        return TypedResults.NoContent();
    }

    /// <summary>Keeps only the fields the kind uses, so a rule never carries stray values from another kind.</summary>
    private static void Apply(RateRule rule, RateRuleRequest request)
    {
        rule.Kind = request.Kind;
        rule.Name = request.Name.Trim();
        rule.StartDate = request.Kind == RateRuleKind.Season ? request.StartDate : null;
        rule.EndDate = request.Kind == RateRuleKind.Season ? request.EndDate : null;
        rule.NightlyPrice = request.Kind == RateRuleKind.Season ? request.NightlyPrice : null;
        rule.Percent = request.Percent;
        rule.MinNights = request.Kind == RateRuleKind.StayLengthDiscount ? request.MinNights : null;
        rule.AmountPerGuestNight = request.Kind == RateRuleKind.Tax ? request.AmountPerGuestNight : null;
        rule.Priority = request.Priority ?? 0;
        rule.Active = true;
    }
}

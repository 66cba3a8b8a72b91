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

/// <summary>The bookable units of an agency's properties.</summary>
public static class StaffUnitsApi
{
    public static IEndpointRouteBuilder MapStaffUnitsApi(this IEndpointRouteBuilder app)
    {
        var staff = app.MapGroup("/api/staff").WithTags("Staff catalogue").RequireAuthorization(StaffPolicies.Staff);
        staff.MapGet("/properties/{propertyId:guid}/units", ListAsync).WithName("ListUnits")
            .WithSummary("A property's units.");
        staff.MapPost("/properties/{propertyId:guid}/units", CreateAsync).Validate<UnitRequest>().RequireAuthorization(StaffPolicies.Catalogue).WithName("CreateUnit")
            .WithSummary("Adds a bookable unit to a property.");
        staff.MapGet("/units/{id:guid}", GetAsync).WithName("GetUnit")
            .WithSummary("One unit of the agency.");
        staff.MapPut("/units/{id:guid}", UpdateAsync).Validate<UnitRequest>().RequireAuthorization(StaffPolicies.Catalogue).WithName("UpdateUnit")
            .WithSummary("Changes a unit's capacity, rates and stay limits.");
        staff.MapDelete("/units/{id:guid}", DeactivateAsync).RequireAuthorization(StaffPolicies.Catalogue)
            .WithName("DeactivateUnit").WithSummary("Stops new bookings of the unit; existing bookings stand.");
        return app;
    }

    public static async Task<Results<Ok<List<UnitView>>, ProblemHttpResult>> ListAsync(Guid propertyId, ClaimsPrincipal user, HexDbContext db, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        if (!await db.Properties.AnyAsync(p => p.Id == propertyId && p.AgencyId == agency, cancellationToken))
        {
            return Problems.NotFound("property with this id in your agency");
        }

        var units = await db.Units.AsNoTracking().Where(u => u.PropertyId == propertyId && u.AgencyId == agency)
            .OrderBy(u => u.Name).ThenBy(u => u.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(units.Select(UnitView.From).ToList());
    }

    public static async Task<Results<Created<UnitView>, ProblemHttpResult>> CreateAsync(
        Guid propertyId, UnitRequest request, ClaimsPrincipal user, HexDbContext db, HybridCache cache, TimeProvider time, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var property = await db.Properties.AsNoTracking().FirstOrDefaultAsync(p => p.Id == propertyId && p.AgencyId == agency, cancellationToken);
        if (property is null)
        {
            return Problems.NotFound("property with this id in your agency");
        }

        var now = time.GetUtcNow();
        var unit = new Unit { Id = Guid.CreateVersion7(), PropertyId = propertyId, AgencyId = agency, Name = "", CreatedAt = now };
        Apply(unit, request, now);
        db.Units.Add(unit);
        await db.SaveChangesAsync(cancellationToken);
        await cache.InvalidateAfterWriteAsync(CacheTags.UnitChanged(unit.Id, property.Id, property.City, property.Country));
        return TypedResults.Created($"/api/staff/units/{unit.Id}", UnitView.From(unit));
    }

    public static async Task<Results<Ok<UnitView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, HexDbContext db, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id && u.AgencyId == agency, cancellationToken);
        return unit is null ? Problems.NotFound("unit with this id in your agency") : TypedResults.Ok(UnitView.From(unit));
    }

    public static async Task<Results<Ok<UnitView>, ProblemHttpResult>> UpdateAsync(
        Guid id, UnitRequest request, ClaimsPrincipal user, HexDbContext db, HybridCache cache, TimeProvider time, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var unit = await db.Units.Include(u => u.Property).FirstOrDefaultAsync(u => u.Id == id && u.AgencyId == agency, cancellationToken);
        if (unit is null)
        {
            return Problems.NotFound("unit with this id in your agency");
        }

        Apply(unit, request, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await cache.InvalidateAfterWriteAsync(CacheTags.UnitChanged(unit.Id, unit.PropertyId, unit.Property!.City, unit.Property.Country));
        return TypedResults.Ok(UnitView.From(unit));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeactivateAsync(
        Guid id, ClaimsPrincipal user, HexDbContext db, HybridCache cache, TimeProvider time, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var unit = await db.Units.Include(u => u.Property).FirstOrDefaultAsync(u => u.Id == id && u.AgencyId == agency, cancellationToken);
        if (unit is null)
        {
            return Problems.NotFound("unit with this id in your agency");
        }

        unit.Active = false;
        unit.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await cache.InvalidateAfterWriteAsync(CacheTags.UnitChanged(unit.Id, unit.PropertyId, unit.Property!.City, unit.Property.Country));
        return TypedResults.NoContent();
    }

    private static void Apply(Unit unit, UnitRequest request, DateTimeOffset now)
    {
        unit.Name = request.Name.Trim();
        unit.Capacity = request.Capacity;
        unit.Bedrooms = request.Bedrooms;
        unit.BaseNightlyRate = request.BaseNightlyRate;
        unit.CleaningFee = request.CleaningFee;
        unit.MinNights = request.MinNights;
        unit.MaxNights = request.MaxNights;
        unit.Active = true;
        unit.UpdatedAt = now;
    }
}

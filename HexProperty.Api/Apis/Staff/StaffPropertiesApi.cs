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

/// <summary>An agency's properties: every staff member reads them; managers and owners create, edit and deactivate them.</summary>
public static class StaffPropertiesApi
{
    public static IEndpointRouteBuilder MapStaffPropertiesApi(this IEndpointRouteBuilder app)
    {
        var properties = app.MapGroup("/api/staff/properties").WithTags("Staff catalogue").RequireAuthorization(StaffPolicies.Staff);
        properties.MapGet("/", ListAsync).WithName("ListProperties")
            .WithSummary("The agency's properties by name, a page at a time.");
        properties.MapGet("/{id:guid}", GetAsync).WithName("GetAgencyProperty")
            .WithSummary("One property of the agency.");
        properties.MapPost("/", CreateAsync).Validate<PropertyRequest>().RequireAuthorization(StaffPolicies.Catalogue).WithName("CreateProperty")
            .WithSummary("Adds a property to the agency's catalogue.");
        properties.MapPut("/{id:guid}", UpdateAsync).Validate<PropertyRequest>().RequireAuthorization(StaffPolicies.Catalogue).WithName("UpdateProperty")
            .WithSummary("Changes a property's details.");
        properties.MapDelete("/{id:guid}", DeactivateAsync).RequireAuthorization(StaffPolicies.Catalogue)
            .WithName("DeactivateProperty").WithSummary("Takes the property off search and booking; existing bookings stand.");
        return app;
    }

    /// <summary>The list's orders (by name unless sort says otherwise), each served by an index on (agency, key, id).</summary>
    public static readonly KeysetSorts<Property, Property> Sorts = new KeysetSorts<Property, Property>("name", p => p.Id, p => p.Id)
        .Add("name", p => p.Name, p => p.Name, KeyCodecs.Text)
        .Add("city", p => p.City, p => p.City, KeyCodecs.Text)
        .Add("createdAt", p => p.CreatedAt, p => p.CreatedAt, KeyCodecs.Time);

    public static async Task<Results<Ok<Page<PropertyView>>, ValidationProblem>> ListAsync(
        ClaimsPrincipal user, HexDbContext db, int? limit, string? after, string? sort, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 100)
        {
            return Problems.Invalid("limit", "must be between 1 and 100");
        }

        var agency = CurrentStaff.From(user).AgencyId;
        var query = db.Properties.AsNoTracking().Where(p => p.AgencyId == agency);
        if (Sorts.TryApply(sort, after, ref query, out var next) is { } invalid)
        {
            return invalid;
        }

        var take = limit ?? 50;
        var rows = await query.Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<PropertyView>([.. rows.Take(take).Select(PropertyView.From)], next(rows, take)));
    }

    public static async Task<Results<Ok<PropertyView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, HexDbContext db, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var property = await db.Properties.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id && p.AgencyId == agency, cancellationToken);
        return property is null ? Problems.NotFound("property with this id in your agency") : TypedResults.Ok(PropertyView.From(property));
    }

    public static async Task<Created<PropertyView>> CreateAsync(
        PropertyRequest request, ClaimsPrincipal user, HexDbContext db, HybridCache cache, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var property = new Property
        {
            Id = Guid.CreateVersion7(),
            AgencyId = CurrentStaff.From(user).AgencyId,
            Name = "",
            AddressLine = "",
            City = "",
            Country = "",
            Currency = "",
            CreatedAt = now,
        };
        Apply(property, request, now);
        db.Properties.Add(property);
        await db.SaveChangesAsync(cancellationToken);
        await cache.InvalidateAfterWriteAsync(CacheTags.PropertyChanged(property.Id, (property.City, property.Country)));
        return TypedResults.Created($"/api/staff/properties/{property.Id}", PropertyView.From(property));
    }

    public static async Task<Results<Ok<PropertyView>, ProblemHttpResult>> UpdateAsync(
        Guid id, PropertyRequest request, ClaimsPrincipal user, HexDbContext db, HybridCache cache, TimeProvider time, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var property = await db.Properties.FirstOrDefaultAsync(p => p.Id == id && p.AgencyId == agency, cancellationToken);
        if (property is null)
        {
            return Problems.NotFound("property with this id in your agency");
        }

        var before = (property.City, property.Country);
        Apply(property, request, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await cache.InvalidateAfterWriteAsync(CacheTags.PropertyChanged(property.Id, before, (property.City, property.Country)));
        return TypedResults.Ok(PropertyView.From(property));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeactivateAsync(
        Guid id, ClaimsPrincipal user, HexDbContext db, HybridCache cache, TimeProvider time, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var property = await db.Properties.FirstOrDefaultAsync(p => p.Id == id && p.AgencyId == agency, cancellationToken);
        if (property is null)
        {
            return Problems.NotFound("property with this id in your agency");
        }

        property.Status = PropertyStatus.Inactive;
        property.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await cache.InvalidateAfterWriteAsync(CacheTags.PropertyChanged(property.Id, (property.City, property.Country)));
        return TypedResults.NoContent();
    }

    private static void Apply(Property property, PropertyRequest request, DateTimeOffset now)
    {
        property.Name = request.Name.Trim();
        property.Description = request.Description?.Trim() ?? "";
        property.Type = request.Type;
        property.AddressLine = request.AddressLine.Trim();
        property.City = request.City.Trim();
        property.Country = request.Country;
        property.Latitude = request.Latitude;
        property.Longitude = request.Longitude;
        property.Amenities = [.. (request.Amenities ?? []).Distinct()];
        property.CancellationPolicy = request.CancellationPolicy;
        property.Currency = request.Currency;
        property.TimeZone = request.TimeZone ?? "UTC";
        property.Status = PropertyStatus.Active;
        property.UpdatedAt = now;
    }
}

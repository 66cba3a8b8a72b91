using HexProperty.Api.Catalog;
using HexProperty.Api.Contracts;
using HexProperty.Api.Infrastructure;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace HexProperty.Api.Apis;

/// <summary>A property as guests see it, and which nights of its units are free.</summary>
public static class PropertiesApi
{
    public const int MaxCalendarMonths = 12;

    public static IEndpointRouteBuilder MapPropertiesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/properties/{id:guid}", GetAsync)
            .WithName("GetProperty").WithTags("Guests").WithSummary("An active property with its bookable units.");
        app.MapGet("/api/properties/{id:guid}/availability", GetAvailabilityAsync)
            .WithName("GetAvailability").WithTags("Guests").WithSummary("Taken nights of each unit over whole months from a date.");
        return app;
    }

    public static async Task<Results<Ok<PropertyDetails>, ProblemHttpResult>> GetAsync(Guid id, HexDbContext db, CancellationToken cancellationToken)
    {
        var property = await db.Properties.AsNoTracking()
            .Where(p => p.Id == id && p.Status == PropertyStatus.Active)
            .Select(p => new PropertyDetails(
                p.Id, p.Name, p.Description, p.Type, p.AddressLine, p.City, p.Country, p.Latitude, p.Longitude, p.Amenities, p.Photos,
                p.CancellationPolicy, p.Currency, p.TimeZone,
                p.Units.Where(u => u.Active).OrderBy(u => u.Name)
                    .Select(u => new UnitSummary(u.Id, u.Name, u.Capacity, u.Bedrooms, u.BaseNightlyRate, u.CleaningFee, u.MinNights, u.MaxNights)).ToList()))
            .FirstOrDefaultAsync(cancellationToken);
        return property is null ? Problems.NotFound("active property with this id") : TypedResults.Ok(property);
    }

    /// <param name="from">First day shown (default today, UTC).</param>
    /// <param name="months">How many months from it (1 to 12, default 3).</param>
    public static async Task<Results<Ok<AvailabilityCalendar>, ValidationProblem, ProblemHttpResult>> GetAvailabilityAsync(
        Guid id, DateOnly? from, int? months, HexDbContext db, AvailabilityCalendarQuery calendar, TimeProvider time, CancellationToken cancellationToken)
    {
        if (months is < 1 or > MaxCalendarMonths)
        {
            return Problems.Invalid("months", $"must be between 1 and {MaxCalendarMonths}");
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var start = from ?? today;
        if (Math.Abs(start.DayNumber - today.DayNumber) > Limits.MaxDaysAhead)
        {
            return Problems.Invalid("from", $"must be within {Limits.MaxDaysAhead} days of today");
        }

        if (!await db.Properties.AnyAsync(p => p.Id == id && p.Status == PropertyStatus.Active, cancellationToken))
        {
            return Problems.NotFound("active property with this id");
        }

        return TypedResults.Ok(await calendar.ReadAsync(id, start, start.AddMonths(months ?? 3), time.GetUtcNow(), cancellationToken));
    }
}

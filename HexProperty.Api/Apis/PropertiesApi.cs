using HexProperty.Api.Catalog;
using HexProperty.Api.Contracts;
using HexProperty.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

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

    public static async Task<Results<HttpCacheableJson<PropertyDetails>, ProblemHttpResult>> GetAsync(
        Guid id, PropertyDetailsQuery details, PropertyViews views, HttpRequest request, CancellationToken cancellationToken)
    {
        if (await details.GetAsync(id, cancellationToken) is not { } property)
        {
            return Problems.NotFound("active property with this id");
        }

        if (!request.Headers.ContainsKey(PropertyViews.WarmerHeader))
        {
            views.Count(id);
        }

        return HttpCaching.Json(property, HttpCaching.PropertyDetails);
    }

    /// <param name="from">First day shown (default today, UTC).</param>
    /// <param name="months">How many months from it (1 to 12, default 3).</param>
    public static async Task<Results<HttpCacheableJson<AvailabilityCalendar>, ValidationProblem, ProblemHttpResult>> GetAvailabilityAsync(
        Guid id, DateOnly? from, int? months, AvailabilityCalendarQuery calendar, TimeProvider time, CancellationToken cancellationToken)
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

        return await calendar.GetAsync(id, start, start.AddMonths(months ?? 3), cancellationToken) is { } found
            ? HttpCaching.Json(found, HttpCaching.Availability)
            : Problems.NotFound("active property with this id");
    }
}

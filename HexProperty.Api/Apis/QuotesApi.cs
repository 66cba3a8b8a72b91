using HexProperty.Api.Bookings;
using HexProperty.Api.Infrastructure;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using HexProperty.Data.Pricing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace HexProperty.Api.Apis;

/// <summary>What a stay in a unit costs, night by night; a stay whose nights are taken answers 409 with the stays in the way.</summary>
public static class QuotesApi
{
    public static IEndpointRouteBuilder MapQuotesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/units/{id:guid}/quote", QuoteAsync)
            .WithName("QuoteStay").WithTags("Guests").WithSummary("Prices a stay: each night, discount, cleaning, taxes, total.");
        return app;
    }

    public static async Task<Results<Ok<PriceQuote>, ValidationProblem, ProblemHttpResult>> QuoteAsync(
        Guid id, DateOnly checkIn, DateOnly checkOut, int guests, HexDbContext db, Occupancy occupancy, PropertyClock clock, CancellationToken cancellationToken)
    {
        var unit = await db.Units.AsNoTracking().Include(u => u.Property).Include(u => u.RateRules.Where(r => r.Active))
            .FirstOrDefaultAsync(u => u.Id == id && u.Active && u.Property!.Status == PropertyStatus.Active, cancellationToken);
        if (unit is null)
        {
            return Problems.NotFound("bookable unit with this id");
        }

        var today = clock.Today(unit.Property!.TimeZone);
        if (checkIn < today)
        {
            return Problems.Invalid("checkIn", $"is in the past (today is {today:yyyy-MM-dd} at the property)");
        }

        if (checkIn.DayNumber - today.DayNumber > Contracts.Limits.MaxDaysAhead)
        {
            return Problems.Invalid("checkIn", $"is more than {Contracts.Limits.MaxDaysAhead} days ahead");
        }

        var outcome = StayPricer.Quote(UnitRatesLoader.From(unit, unit.Property.Currency, unit.RateRules), checkIn, checkOut, guests);
        if (outcome.Rejection is { } rejection)
        {
            return Problems.Invalid(rejection.Field, rejection.Reason);
        }

        var taken = await occupancy.OverlappingAsync(id, checkIn, checkOut, clock.Now, cancellationToken);
        if (taken.Count > 0)
        {
            return Problems.Conflict("dates-unavailable", "The dates are not available", Occupancy.Describe(taken), Occupancy.ConflictExtensions(taken));
        }

        return TypedResults.Ok(outcome.Quote!);
    }
}

using HexProperty.Api.Bookings;
using HexProperty.Api.Infrastructure;
using HexProperty.Data.Pricing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HexProperty.Api.Apis;

/// <summary>What a stay in a unit costs, night by night; a stay whose nights are taken answers 409 with the stays in the way.</summary>
public static class QuotesApi
{
    public static IEndpointRouteBuilder MapQuotesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/units/{id:guid}/quote", QuoteAsync)
            .WithName("QuoteStay")
            .ProducesProblem(StatusCodes.Status409Conflict).WithTags("Guests").WithSummary("Prices a stay: each night, discount, cleaning, taxes, total.");
        return app;
    }

    public static async Task<Results<Ok<PriceQuote>, ValidationProblem, ProblemHttpResult>> QuoteAsync(
        Guid id, DateOnly checkIn, DateOnly checkOut, int guests, UnitPricingQuery pricing, Occupancy occupancy, PropertyClock clock, CancellationToken cancellationToken)
    {
        if (await pricing.GetAsync(id, cancellationToken) is not { } unit)
        {
            return Problems.NotFound("bookable unit with this id");
        }

        var today = clock.Today(unit.TimeZone);
        if (checkIn < today)
        {
            return Problems.Invalid("checkIn", $"is in the past (today is {today:yyyy-MM-dd} at the property)");
        }

        if (checkIn.DayNumber - today.DayNumber > Contracts.Limits.MaxDaysAhead)
        {
            return Problems.Invalid("checkIn", $"is more than {Contracts.Limits.MaxDaysAhead} days ahead");
        }

        var outcome = StayPricer.Quote(unit.Rates, checkIn, checkOut, guests);
        if (outcome.Rejection is { } rejection)
        {
            return Problems.Invalid(rejection.Field, rejection.Reason);
        }

        // Taken nights are read live: a quote must not promise nights that a hold took a moment ago.
        var taken = await occupancy.OverlappingAsync(id, checkIn, checkOut, clock.Now, cancellationToken);
        if (taken.Count > 0)
        {
            return Problems.Conflict("dates-unavailable", "The dates are not available", Occupancy.Describe(taken), Occupancy.ConflictExtensions(taken));
        }

        return TypedResults.Ok(outcome.Quote!);
    }
}

using HexProperty.Api.Bookings;
using HexProperty.Api.Contracts;
using HexProperty.Api.Infrastructure;
using HexProperty.Api.Infrastructure.Idempotency;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace HexProperty.Api.Apis;

/// <summary>
/// A guest's booking, without an account: hold a stay (it is kept for a few minutes), pay to confirm it, look it up
/// or cancel it with its reference and email. Creating a hold or a payment requires an Idempotency-Key.
/// </summary>
public static class BookingsApi
{
    public static IEndpointRouteBuilder MapBookingsApi(this IEndpointRouteBuilder app)
    {
        var bookings = app.MapGroup("/api/bookings").WithTags("Guests");
        var byReference = new AbuseLimits.PerTarget(AbuseLimits.BookingLookup, "reference");
        bookings.MapPost("/", HoldAsync).Validate<HoldRequest>().RequireIdempotencyKey().RequireRateLimiting(AbuseLimits.HoldsAndPayments)
            .WithName("HoldStay")
            .ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Holds a unit's nights for the guest while they pay.");
        bookings.MapGet("/{reference}", LookUpAsync).RequireRateLimiting(AbuseLimits.BookingLookup).WithMetadata(byReference)
            .WithName("LookUpBooking").WithSummary("A booking, by its reference and the guest's email.");
        bookings.MapPost("/{reference}/payments", PayAsync).Validate<CardPaymentRequest>().RequireIdempotencyKey()
            .RequireRateLimiting(AbuseLimits.HoldsAndPayments).WithMetadata(byReference)
            .WithName("PayBooking")
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Pays a held booking by card, which confirms it.");
        bookings.MapPost("/{reference}/cancel", CancelAsync).Validate<CancelRequest>().RequireRateLimiting(AbuseLimits.BookingLookup).WithMetadata(byReference)
            .WithName("CancelBooking")
            .ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Cancels a confirmed booking; refunds what the property's policy allows.");
        return app;
    }

    public static async Task<Results<Created<BookingView>, ValidationProblem, ProblemHttpResult>> HoldAsync(
        HoldRequest request, BookingService bookings, CancellationToken cancellationToken) =>
        (await bookings.HoldAsync(request, BookingSource.Web, staffAgency: null, cancellationToken))
            .ToResult(view => TypedResults.Created($"/api/bookings/{view.Reference}", view));

    public static async Task<Results<Ok<BookingView>, ValidationProblem, ProblemHttpResult>> LookUpAsync(
        string reference, string? email, HexDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > Limits.MaxEmailLength)
        {
            return Problems.Invalid("email", "is required: the email the booking was made with");
        }

        // The same answer for a wrong reference and a wrong email: a reference alone reveals nothing.
        var view = BookingReferences.IsWellFormed(reference)
            ? await BookingViews.FindAsync(db, db.Bookings.Where(b => b.Reference == reference && b.Guest!.Email == email.Trim().ToLowerInvariant()), time, cancellationToken)
            : null;
        return view is null ? Problems.NotFound("booking with this reference for this email") : TypedResults.Ok(view);
    }

    public static async Task<Results<Created<BookingView>, ValidationProblem, ProblemHttpResult>> PayAsync(
        string reference, CardPaymentRequest request, [FromHeader(Name = IdempotencyMiddleware.HeaderName)] string idempotencyKey,
        BookingService bookings, CancellationToken cancellationToken)
    {
        if (!BookingReferences.IsWellFormed(reference))
        {
            return Problems.NotFound("booking with this reference for this email");
        }

        return (await bookings.PayByCardAsync(reference, request, idempotencyKey, cancellationToken))
            .ToResult(view => TypedResults.Created($"/api/bookings/{view.Reference}", view));
    }

    public static async Task<Results<Ok<BookingView>, ValidationProblem, ProblemHttpResult>> CancelAsync(
        string reference, CancelRequest request, HexDbContext db, BookingService bookings, CancellationToken cancellationToken)
    {
        if (!BookingReferences.IsWellFormed(reference))
        {
            return Problems.NotFound("booking with this reference for this email");
        }

        var email = request.Email.Trim().ToLowerInvariant();
        return (await bookings.CancelAsync(db.Bookings.Where(b => b.Reference == reference && b.Guest!.Email == email), "cancelled by the guest", cancellationToken))
            .ToResult(TypedResults.Ok);
    }
}

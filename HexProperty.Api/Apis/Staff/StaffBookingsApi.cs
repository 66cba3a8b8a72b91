using System.Globalization;
using System.Security.Claims;
using HexProperty.Api.Bookings;
using HexProperty.Api.Contracts;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Api.Infrastructure.Idempotency;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace HexProperty.Api.Apis.Staff;

/// <summary>
/// The agency's bookings: filtered lists, a booking's details, a booking taken by phone, a payment taken at the desk,
/// cancellation, check-in and check-out. Creating a booking or a payment requires an Idempotency-Key.
/// </summary>
public static class StaffBookingsApi
{
    /// <summary>The list's orders, each served by an index on (agency, key, id).</summary>
    public static readonly KeysetSorts<Booking, StaffBookingRow> Sorts = new KeysetSorts<Booking, StaffBookingRow>("-checkIn", b => b.Id, r => r.Id)
        .Add("checkIn", b => b.CheckIn, r => r.CheckIn, KeyCodecs.Date)
        .Add("createdAt", b => b.CreatedAt, r => r.CreatedAt, KeyCodecs.Time)
        .Add("total", b => b.Total, r => r.Total, KeyCodecs.Money);

    public static IEndpointRouteBuilder MapStaffBookingsApi(this IEndpointRouteBuilder app)
    {
        var bookings = app.MapGroup("/api/staff/bookings").WithTags("Staff bookings").RequireAuthorization(StaffPolicies.Staff);
        bookings.MapGet("/", ListAsync).WithName("ListBookings")
            .WithSummary("The agency's bookings, filtered, sorted (by check-in, newest first, unless sort says otherwise) and paged.");
        bookings.MapGet("/{id:guid}", GetAsync).WithName("GetBooking")
            .WithSummary("One booking of the agency, with its guest, payment and refund.");
        bookings.MapPost("/", HoldAsync).Validate<HoldRequest>().RequireIdempotencyKey().WithName("HoldStayForGuest")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Holds a stay for a guest, as the agency (staff booking).");
        bookings.MapPost("/{id:guid}/payments", RecordPaymentAsync).Validate<RecordedPaymentRequest>().RequireIdempotencyKey().WithName("RecordPayment")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Records a payment taken outside the Api and confirms the booking.");
        bookings.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelAgencyBooking")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Cancels a booking for the agency, refunding as its policy says.");
        bookings.MapPost("/{id:guid}/check-in", CheckInAsync).WithName("CheckIn")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Marks a confirmed booking's guest as arrived.");
        bookings.MapPost("/{id:guid}/check-out", CheckOutAsync).WithName("CheckOut")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Marks a checked-in booking completed.");
        return app;
    }

    public static async Task<Results<Ok<Page<StaffBookingRow>>, ValidationProblem>> ListAsync(
        [AsParameters] StaffBookingQuery query, ClaimsPrincipal user, HexDbContext db, CancellationToken cancellationToken)
    {
        if (query.Limit is < 1 or > 100)
        {
            return Problems.Invalid("limit", "must be between 1 and 100");
        }

        if (query.From > query.To)
        {
            return Problems.Invalid("to", "must not be before from");
        }

        var agency = CurrentStaff.From(user).AgencyId;
        var bookings = db.Bookings.AsNoTracking().Where(b => b.AgencyId == agency);
        if (query.Status is { } status)
        {
            bookings = bookings.Where(b => b.Status == status);
        }

        if (query.PropertyId is { } property)
        {
            bookings = bookings.Where(b => b.PropertyId == property);
        }

        if (query.UnitId is { } unit)
        {
            bookings = bookings.Where(b => b.UnitId == unit);
        }

        // Stays that overlap [from, to]: they end after from and begin no later than to.
        if (query.From is { } from)
        {
            bookings = bookings.Where(b => b.CheckOut > from);
        }

        if (query.To is { } to)
        {
            bookings = bookings.Where(b => b.CheckIn <= to);
        }

        if (!string.IsNullOrWhiteSpace(query.GuestEmail))
        {
            var email = query.GuestEmail.Trim().ToLowerInvariant();
            bookings = bookings.Where(b => b.Guest!.Email == email);
        }

        if (Sorts.TryApply(query.Sort, query.After, ref bookings, out var next) is { } invalid)
        {
            return invalid;
        }

        var take = query.Limit ?? 50;
        var rows = await bookings.Take(take + 1)
            .Select(b => new StaffBookingRow(b.Id, b.Reference, b.Status, b.PropertyId, b.UnitId, b.CheckIn, b.CheckOut, b.Guests, b.Total, b.Currency,
                b.Guest!.FullName, b.Guest.Email, b.Source, b.CreatedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<StaffBookingRow>([.. rows.Take(take)], next(rows, take)));
    }

    public static async Task<Results<Ok<BookingView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, HexDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var view = await BookingViews.FindAsync(db, db.Bookings.Where(b => b.Id == id && b.AgencyId == agency), time, cancellationToken);
        return view is null ? Problems.NotFound("booking with this id in your agency") : TypedResults.Ok(view);
    }

    public static async Task<Results<Created<BookingView>, ValidationProblem, ProblemHttpResult>> HoldAsync(
        HoldRequest request, ClaimsPrincipal user, BookingService bookings, CancellationToken cancellationToken) =>
        (await bookings.HoldAsync(request, BookingSource.Staff, CurrentStaff.From(user).AgencyId, cancellationToken))
            .ToResult(view => TypedResults.Created($"/api/bookings/{view.Reference}", view));

    public static async Task<Results<Created<BookingView>, ValidationProblem, ProblemHttpResult>> RecordPaymentAsync(
        Guid id, RecordedPaymentRequest request, [FromHeader(Name = IdempotencyMiddleware.HeaderName)] string idempotencyKey,
        ClaimsPrincipal user, BookingService bookings, CancellationToken cancellationToken) =>
        (await bookings.RecordPaymentAsync(CurrentStaff.From(user).AgencyId, id, request, idempotencyKey, cancellationToken))
            .ToResult(view => TypedResults.Created($"/api/staff/bookings/{id}", view));

    public static async Task<Results<Ok<BookingView>, ValidationProblem, ProblemHttpResult>> CancelAsync(
        Guid id, ClaimsPrincipal user, HexDbContext db, BookingService bookings, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        return (await bookings.CancelAsync(db.Bookings.Where(b => b.Id == id && b.AgencyId == agency), "cancelled by the agency", cancellationToken))
            .ToResult(TypedResults.Ok);
    }

    public static Task<Results<Ok<BookingView>, ProblemHttpResult>> CheckInAsync(
        Guid id, ClaimsPrincipal user, HexDbContext db, PropertyClock clock, CancellationToken cancellationToken) =>
        TransitionAsync(id, user, db, clock, (booking, today) =>
            today < booking.CheckIn ? $"check-in is on {booking.CheckIn:yyyy-MM-dd}, not before" : null,
            (booking, now) => booking.MarkCheckedIn(now), cancellationToken);

    public static Task<Results<Ok<BookingView>, ProblemHttpResult>> CheckOutAsync(
        Guid id, ClaimsPrincipal user, HexDbContext db, PropertyClock clock, CancellationToken cancellationToken) =>
        TransitionAsync(id, user, db, clock, (_, _) => null, (booking, now) => booking.Complete(now), cancellationToken);

    private static async Task<Results<Ok<BookingView>, ProblemHttpResult>> TransitionAsync(
        Guid id, ClaimsPrincipal user, HexDbContext db, PropertyClock clock, Func<Booking, DateOnly, string?> tooEarly,
        Action<Booking, DateTimeOffset> transition, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var booking = await db.Bookings.Include(b => b.Property).FirstOrDefaultAsync(b => b.Id == id && b.AgencyId == agency, cancellationToken);
        if (booking is null)
        {
            return Problems.NotFound("booking with this id in your agency");
        }

        if (tooEarly(booking, clock.Today(booking.Property!.TimeZone)) is { } reason)
        {
            return Problems.Conflict("too-early", "Not yet", reason);
        }

        try
        {
            transition(booking, clock.Now);
        }
        catch (BookingTransitionException e)
        {
            return Problems.Conflict("invalid-transition", "The booking cannot do that", e.Message);
        }

        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok((await BookingViews.FindAsync(db, db.Bookings.Where(b => b.Id == id), clock.Time, cancellationToken))!);
    }
}

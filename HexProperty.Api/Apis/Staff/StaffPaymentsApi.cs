using System.Security.Claims;
using HexProperty.Api.Contracts;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace HexProperty.Api.Apis.Staff;

/// <summary>The agency's payments, newest first, with what was refunded of each.</summary>
public static class StaffPaymentsApi
{
    public static IEndpointRouteBuilder MapStaffPaymentsApi(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup("/api/staff/payments").WithTags("Staff bookings").RequireAuthorization(StaffPolicies.Staff);
        payments.MapGet("/", ListAsync).WithName("ListPayments")
            .WithSummary("The agency's payments, newest first, with what was refunded of each.");
        payments.MapGet("/{id:guid}", GetAsync).WithName("GetPayment")
            .WithSummary("One payment of the agency.");
        return app;
    }

    public static async Task<Results<Ok<Page<StaffPaymentRow>>, ValidationProblem>> ListAsync(
        [AsParameters] StaffPaymentQuery query, ClaimsPrincipal user, HexDbContext db, CancellationToken cancellationToken)
    {
        if (KeysetCursor.CheckTimePage(query.Limit, query.After, out var cursor) is { } invalid)
        {
            return invalid;
        }

        if (query.From > query.To)
        {
            return Problems.Invalid("to", "must not be before from");
        }

        var agency = CurrentStaff.From(user).AgencyId;
        var payments = db.Payments.AsNoTracking().Where(p => p.AgencyId == agency);
        if (query.Status is { } status)
        {
            payments = payments.Where(p => p.Status == status);
        }

        if (query.From is { } from)
        {
            var start = UtcDays.Start(from);
            payments = payments.Where(p => p.CreatedAt >= start);
        }

        if (query.To is { } to)
        {
            var end = UtcDays.After(to);
            payments = payments.Where(p => p.CreatedAt < end);
        }

        if (cursor?.Time is { } key)
        {
            payments = payments.Where(p => p.CreatedAt < key || (p.CreatedAt == key && p.Id.CompareTo(cursor.Id) < 0));
        }

        var take = query.Limit ?? 50;
        var rows = await payments.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).Take(take + 1)
            .Select(p => new StaffPaymentRow(
                p.Id, p.BookingId, db.Bookings.Where(b => b.Id == p.BookingId).Select(b => b.Reference).First(),
                p.Amount, p.Currency, p.Method, p.Status, p.CardLast4,
                db.Refunds.Where(r => r.PaymentId == p.Id).Sum(r => (decimal?)r.Amount) ?? 0m, p.CreatedAt))
            .ToListAsync(cancellationToken);
        var next = rows.Count > take ? KeysetCursor.At(rows[take - 1].CreatedAt, rows[take - 1].Id).Encode() : null;
        return TypedResults.Ok(new Page<StaffPaymentRow>([.. rows.Take(take)], next));
    }

    public static async Task<Results<Ok<StaffPaymentRow>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, HexDbContext db, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var row = await db.Payments.AsNoTracking().Where(p => p.Id == id && p.AgencyId == agency)
            .Select(p => new StaffPaymentRow(
                p.Id, p.BookingId, db.Bookings.Where(b => b.Id == p.BookingId).Select(b => b.Reference).First(),
                p.Amount, p.Currency, p.Method, p.Status, p.CardLast4,
                db.Refunds.Where(r => r.PaymentId == p.Id).Sum(r => (decimal?)r.Amount) ?? 0m, p.CreatedAt))
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? Problems.NotFound("payment with this id in your agency") : TypedResults.Ok(row);
    }
}

using System.Security.Claims;
using HexProperty.Api.Contracts;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace HexProperty.Api.Apis.Staff;

/// <summary>The agency's payments, newest first, with what was refunded of each.</summary>
public static class StaffPaymentsApi
{
    /// <summary>The list's orders, each served by an index on (agency, key, id).</summary>
    public static readonly KeysetSorts<Payment, StaffPaymentRow> Sorts = new KeysetSorts<Payment, StaffPaymentRow>("-createdAt", p => p.Id, r => r.Id)
        .Add("createdAt", p => p.CreatedAt, r => r.CreatedAt, KeyCodecs.Time)
        .Add("amount", p => p.Amount, r => r.Amount, KeyCodecs.Money);

    public static IEndpointRouteBuilder MapStaffPaymentsApi(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup("/api/staff/payments").WithTags("Staff bookings").RequireAuthorization(StaffPolicies.Staff);
        payments.MapGet("/", ListAsync).WithName("ListPayments")
            .WithSummary("The agency's payments (newest first unless sort says otherwise), with what was refunded of each.");
        payments.MapGet("/{id:guid}", GetAsync).WithName("GetPayment")
            .WithSummary("One payment of the agency.");
        return app;
    }

    public static async Task<Results<Ok<Page<StaffPaymentRow>>, ValidationProblem>> ListAsync(
        [AsParameters] StaffPaymentQuery query, ClaimsPrincipal user, HexDbContext db, CancellationToken cancellationToken)
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

        if (Sorts.TryApply(query.Sort, query.After, ref payments, out var next) is { } invalid)
        {
            return invalid;
        }

        var take = query.Limit ?? 50;
        var rows = await payments.Take(take + 1)
            .Select(p => new StaffPaymentRow(
                p.Id, p.BookingId, db.Bookings.Where(b => b.Id == p.BookingId).Select(b => b.Reference).First(),
                p.Amount, p.Currency, p.Method, p.Status, p.CardLast4,
                db.Refunds.Where(r => r.PaymentId == p.Id).Sum(r => (decimal?)r.Amount) ?? 0m, p.CreatedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<StaffPaymentRow>([.. rows.Take(take)], next(rows, take)));
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

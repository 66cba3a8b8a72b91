using System.Security.Claims;
using HexProperty.Api.Contracts;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace HexProperty.Api.Apis.Staff;

/// <summary>The signed-in staff member's notifications (written by the Worker), newest first; marking them read.</summary>
public static class StaffNotificationsApi
{
    public static IEndpointRouteBuilder MapStaffNotificationsApi(this IEndpointRouteBuilder app)
    {
        var notifications = app.MapGroup("/api/staff/notifications").WithTags("Staff notifications").RequireAuthorization(StaffPolicies.Staff);
        notifications.MapGet("/", ListAsync).WithName("ListNotifications")
            .WithSummary("The signed-in staff member's notifications, newest first.");
        notifications.MapGet("/summary", SummaryAsync).WithName("NotificationSummary")
            .WithSummary("How many of the staff member's notifications are unread.");
        notifications.MapPost("/{id:guid}/read", ReadAsync).WithName("MarkNotificationRead")
            .WithSummary("Marks one notification read.");
        notifications.MapPost("/read-all", ReadAllAsync).WithName("MarkAllNotificationsRead")
            .WithSummary("Marks every notification of the staff member read.");
        return app;
    }

    public static async Task<Results<Ok<Page<NotificationView>>, ValidationProblem>> ListAsync(
        [AsParameters] NotificationQuery query, ClaimsPrincipal user, HexDbContext db, CancellationToken cancellationToken)
    {
        if (KeysetCursor.CheckTimePage(query.Limit, query.After, out var cursor) is { } invalid)
        {
            return invalid;
        }

        var me = CurrentStaff.From(user).UserId;
        var notifications = db.Notifications.AsNoTracking().Where(n => n.UserId == me);
        if (query.Unread == true)
        {
            notifications = notifications.Where(n => n.ReadAt == null);
        }

        if (cursor?.Time is { } at)
        {
            notifications = notifications.Where(n => n.CreatedAt < at || (n.CreatedAt == at && n.Id.CompareTo(cursor.Id) < 0));
        }

        var take = query.Limit ?? 20;
        var rows = await notifications.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(take + 1)
            .Select(n => new NotificationView(n.Id, n.Kind, n.Title, n.Body, n.BookingId, n.CreatedAt, n.ReadAt))
            .ToListAsync(cancellationToken);
        var next = rows.Count > take ? KeysetCursor.At(rows[take - 1].CreatedAt, rows[take - 1].Id).Encode() : null;
        return TypedResults.Ok(new Page<NotificationView>([.. rows.Take(take)], next));
    }

    public static async Task<Ok<NotificationSummary>> SummaryAsync(ClaimsPrincipal user, HexDbContext db, CancellationToken cancellationToken)
    {
        var me = CurrentStaff.From(user).UserId;
        return TypedResults.Ok(new NotificationSummary(await db.Notifications.CountAsync(n => n.UserId == me && n.ReadAt == null, cancellationToken)));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> ReadAsync(Guid id, ClaimsPrincipal user, HexDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var me = CurrentStaff.From(user).UserId;
        var now = time.GetUtcNow();
        if (!await db.Notifications.AnyAsync(n => n.Id == id && n.UserId == me, cancellationToken))
        {
            return Problems.NotFound("notification with this id for you");
        }

        await db.Notifications.Where(n => n.Id == id && n.UserId == me && n.ReadAt == null).ExecuteUpdateAsync(set => set.SetProperty(n => n.ReadAt, now), cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> ReadAllAsync(ClaimsPrincipal user, HexDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var me = CurrentStaff.From(user).UserId;
        var now = time.GetUtcNow();
        await db.Notifications.Where(n => n.UserId == me && n.ReadAt == null).ExecuteUpdateAsync(set => set.SetProperty(n => n.ReadAt, now), cancellationToken);
        return TypedResults.NoContent();
    }
}

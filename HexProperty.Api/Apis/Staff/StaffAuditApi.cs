using HexProperty.Api.Contracts;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace HexProperty.Api.Apis.Staff;

/// <summary>The agency's audit trail, for its owners: every staff change, newest first, filtered and paged.</summary>
public static class StaffAuditApi
{
    /// <summary>Newest first by default; oldest first to read a change's story forward. Served by (agency, at, id).</summary>
    public static readonly KeysetSorts<AuditEntry, AuditEntry> Sorts = new KeysetSorts<AuditEntry, AuditEntry>("-at", e => e.Id, e => e.Id)
        .Add("at", e => e.At, e => e.At, KeyCodecs.Time);

    public static IEndpointRouteBuilder MapStaffAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/staff/audit", ListAsync).WithTags("Staff audit").RequireAuthorization(StaffPolicies.Owner).WithName("ListAuditEntries")
            .WithSummary("The agency's audit trail: who changed what and when, with the values before and after.");
        return app;
    }

    public static async Task<Results<Ok<Page<AuditEntryView>>, ValidationProblem>> ListAsync(
        [AsParameters] AuditQuery query, HexDbContext db, CancellationToken cancellationToken)
    {
        if (query.Limit is < 1 or > 100)
        {
            return Problems.Invalid("limit", "must be between 1 and 100");
        }

        if (query.Entity is { } entity && !AuditTrail.Entities.Contains(entity))
        {
            return Problems.Invalid("entity", "must be one of " + string.Join(", ", AuditTrail.Entities));
        }

        if (query.From > query.To)
        {
            return Problems.Invalid("to", "must not be before from");
        }

        // Kept to the caller's agency by both tenancy walls; no agency condition is needed here.
        var entries = db.AuditEntries.AsNoTracking();
        if (query.Entity is not null)
        {
            entries = entries.Where(e => e.Entity == query.Entity);
        }

        if (query.EntityId is { } entityId)
        {
            entries = entries.Where(e => e.EntityId == entityId);
        }

        if (query.ActorId is { } actorId)
        {
            entries = entries.Where(e => e.ActorId == actorId);
        }

        if (query.Action is { } action)
        {
            entries = entries.Where(e => e.Action == action);
        }

        if (query.From is { } from)
        {
            var start = UtcDays.Start(from);
            entries = entries.Where(e => e.At >= start);
        }

        if (query.To is { } to)
        {
            var end = UtcDays.After(to);
            entries = entries.Where(e => e.At < end);
        }

        if (Sorts.TryApply(query.Sort, query.After, ref entries, out var next) is { } invalid)
        {
            return invalid;
        }

        var take = query.Limit ?? 50;
        var rows = await entries.Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<AuditEntryView>([.. rows.Take(take).Select(AuditEntryView.From)], next(rows, take)));
    }
}

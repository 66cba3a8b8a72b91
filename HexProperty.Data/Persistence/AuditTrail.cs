using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using HexProperty.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace HexProperty.Data.Persistence;

/// <summary>
/// Turns a staff member's pending changes into <see cref="AuditEntry"/> rows just before the context saves them, so the
/// entries commit or roll back with the change itself. Only changes made by a signed-in staff member are recorded
/// (a guest's hold or payment is the booking's own history, not a staff change).
/// </summary>
public static class AuditTrail
{
    /// <summary>What is audited, by the name the trail gives it.</summary>
    private static readonly Dictionary<Type, string> Audited = new()
    {
        [typeof(Property)] = "property",
        [typeof(Unit)] = "unit",
        [typeof(RateRule)] = "rate-rule",
        [typeof(Block)] = "block",
        [typeof(Booking)] = "booking",
        [typeof(Payment)] = "payment",
        [typeof(Refund)] = "refund",
        [typeof(StaffUser)] = "staff-user",
        [typeof(Photo)] = "photo",
    };

    /// <summary>Never copied into the trail: a password's hash, the booking's stored quote (its total is there), and a photo's file.</summary>
    private static readonly HashSet<string> Left = [nameof(StaffUser.PasswordHash), nameof(Booking.Quote), nameof(Photo.Original)];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The names the trail gives what it records.</summary>
    public static IReadOnlyCollection<string> Entities => Audited.Values;

    internal static void Record(HexDbContext db)
    {
        if (db.Scope?.Actor is not { } actor || db.AgencyId is null)
        {
            return;
        }

        // A save that failed and is tried again records afresh, not twice.
        foreach (var unsaved in db.ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).ToList())
        {
            unsaved.State = EntityState.Detached;
        }

        // Microseconds: what PostgreSQL keeps, so a page's cursor finds the row it ended on.
        var now = DateTimeOffset.UtcNow;
        now = now.AddTicks(-(now.UtcTicks % 10));
        var entries = new List<AuditEntry>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (!Audited.TryGetValue(entry.Metadata.ClrType, out var entity))
            {
                continue;
            }

            var (action, before, after) = entry.State switch
            {
                EntityState.Added => (AuditAction.Created, null, Values(entry, _ => true, original: false)),
                EntityState.Deleted => (AuditAction.Deleted, Values(entry, _ => true, original: true), null),
                EntityState.Modified => (AuditAction.Changed, Values(entry, Changed, original: true), Values(entry, Changed, original: false)),
                _ => (AuditAction.Changed, null, null),
            };
            if (before is null && after is null || action == AuditAction.Changed && after is { Count: 0 })
            {
                continue;
            }

            entries.Add(new AuditEntry
            {
                Id = Guid.CreateVersion7(),
                AgencyId = ((IAgencyOwned)entry.Entity).AgencyId,
                At = now,
                ActorId = actor.UserId,
                ActorName = actor.Name,
                Action = action,
                Entity = entity,
                EntityId = (Guid)entry.Property("Id").CurrentValue!,
                Before = before?.ToJsonString(),
                After = after?.ToJsonString(),
            });
        }

        db.AuditEntries.AddRange(entries);
    }

    private static bool Changed(PropertyEntry property) => property.IsModified && !property.Metadata.GetValueComparer().Equals(property.OriginalValue, property.CurrentValue);

    private static JsonObject Values(EntityEntry entry, Func<PropertyEntry, bool> include, bool original)
    {
        var values = new JsonObject();
        foreach (var property in entry.Properties.Where(p => !Left.Contains(p.Metadata.Name) && include(p)))
        {
            values[JsonNamingPolicy.CamelCase.ConvertName(property.Metadata.Name)] =
                JsonSerializer.SerializeToNode(original ? property.OriginalValue : property.CurrentValue, property.Metadata.ClrType, Json);
        }

        return values;
    }
}

using System.Text.Json;
using HexProperty.Data.Model;

namespace HexProperty.Api.Contracts;

/// <summary>Filters of the agency's audit trail; every one optional. <c>from</c> and <c>to</c> are UTC days, both included.</summary>
public sealed record AuditQuery(string? Entity, Guid? EntityId, Guid? ActorId, AuditAction? Action, DateOnly? From, DateOnly? To, int? Limit, string? After, string? Sort);

/// <summary>One staff change: who, when, what, and the values before and after (for a change, the fields that changed).</summary>
public sealed record AuditEntryView(
    Guid Id, DateTimeOffset At, Guid ActorId, string ActorName, AuditAction Action, string Entity, Guid EntityId, JsonElement? Before, JsonElement? After)
{
    public static AuditEntryView From(AuditEntry entry) => new(
        entry.Id, entry.At, entry.ActorId, entry.ActorName, entry.Action, entry.Entity, entry.EntityId, Parse(entry.Before), Parse(entry.After));

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}

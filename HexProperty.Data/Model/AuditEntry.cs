namespace HexProperty.Data.Model;

/// <summary>
/// One staff change, written in the transaction that made it: who, when, what (the entity, its id, the action) and the
/// values before and after (jsonb; for a change, only the fields that changed).
/// </summary>
public sealed class AuditEntry : IAgencyOwned
{
    public Guid Id { get; set; }

    public Guid AgencyId { get; set; }

    public DateTimeOffset At { get; set; }

    public Guid ActorId { get; set; }

    /// <summary>The staff member's name when they made the change.</summary>
    public required string ActorName { get; set; }

    public AuditAction Action { get; set; }

    /// <summary>What changed, in the Api's words: property, unit, rate-rule, block, booking, payment, refund, staff-user.</summary>
    public required string Entity { get; set; }

    public Guid EntityId { get; set; }

    public string? Before { get; set; }

    public string? After { get; set; }
}

public enum AuditAction
{
    Created,
    Changed,
    Deleted,
}

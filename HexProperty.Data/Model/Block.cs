namespace HexProperty.Data.Model;

/// <summary>Nights a unit is closed: the owner's own use, or maintenance.</summary>
public sealed class Block : IAgencyOwned
{
    public Guid Id { get; set; }

    public Guid UnitId { get; set; }

    public Guid AgencyId { get; set; }

    public BlockKind Kind { get; set; }

    public DateOnly Start { get; set; }

    /// <summary>First night open again (half-open).</summary>
    public DateOnly End { get; set; }

    public string Note { get; set; } = "";

    public bool Active { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }
}

public enum BlockKind
{
    Owner,
    Maintenance,
}

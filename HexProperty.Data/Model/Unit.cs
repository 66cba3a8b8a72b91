namespace HexProperty.Data.Model;

/// <summary>A bookable unit of a property (an apartment in a building, a room in a guesthouse, the whole house).</summary>
public sealed class Unit : IAgencyOwned
{
    public Guid Id { get; set; }

    public Guid PropertyId { get; set; }

    /// <summary>Copied from the property so every staff query filters on its own table.</summary>
    public Guid AgencyId { get; set; }

    public required string Name { get; set; }

    /// <summary>Most guests allowed.</summary>
    public int Capacity { get; set; }

    public int Bedrooms { get; set; }

    public decimal BaseNightlyRate { get; set; }

    public decimal CleaningFee { get; set; }

    public int MinNights { get; set; } = 1;

    public int MaxNights { get; set; } = 28;

    public bool Active { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public Property? Property { get; set; }

    public List<RateRule> RateRules { get; set; } = [];
}

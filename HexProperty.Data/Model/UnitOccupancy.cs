namespace HexProperty.Data.Model;

/// <summary>
/// A unit's nights taken by a hold, a booking or a block. The database refuses two rows of one unit whose
/// ranges overlap (an exclusion constraint), so no code path can double-book; freeing nights deletes the row.
/// </summary>
public sealed class UnitOccupancy
{
    public long Id { get; set; }

    public Guid UnitId { get; set; }

    public Guid? BookingId { get; set; }

    public Guid? BlockId { get; set; }

    public DateOnly CheckIn { get; set; }

    public DateOnly CheckOut { get; set; }

    /// <summary>For a hold: when its nights free up even before a sweeper deletes the row.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
}

namespace HexProperty.Data.Model;

/// <summary>Something a staff member should know (a booking confirmed, an export ready), written by the Worker. Table notifications.</summary>
public sealed class Notification : IAgencyOwned
{
    public Guid Id { get; set; }

    public Guid AgencyId { get; set; }

    public Guid UserId { get; set; }

    public required string Kind { get; set; }

    public required string Title { get; set; }

    public required string Body { get; set; }

    public Guid? BookingId { get; set; }

    public Guid EventId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ReadAt { get; set; }
}

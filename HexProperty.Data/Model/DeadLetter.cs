namespace HexProperty.Data.Model;

/// <summary>An event a consumer gave up on, kept for an operator to read and replay. Table dead_letters.</summary>
public sealed class DeadLetter
{
    public Guid Id { get; set; }

    public required string Consumer { get; set; }

    /// <summary>The event's id, when the message carried one.</summary>
    public Guid? EventId { get; set; }

    public required string Type { get; set; }

    public required byte[] Body { get; set; }

    public string? TraceParent { get; set; }

    public int Attempts { get; set; }

    public required string Error { get; set; }

    public DateTimeOffset DeadAt { get; set; }

    public DateTimeOffset? ReplayedAt { get; set; }
}

namespace HexProperty.Data.Model;

/// <summary>A recurring task of the Worker and how its last run went (table schedules).</summary>
public sealed class Schedule
{
    public required string Name { get; set; }

    public int IntervalSeconds { get; set; }

    public DateTimeOffset NextDueAt { get; set; }

    public DateTimeOffset? RunningSince { get; set; }

    public string? RunningOn { get; set; }

    public DateTimeOffset? LastStartedAt { get; set; }

    public int? LastDurationMs { get; set; }

    public string? LastOutcome { get; set; }

    public string? LastError { get; set; }

    public string? LastDetail { get; set; }

    public long Runs { get; set; }

    public long Failures { get; set; }
}

namespace HexProperty.Data.Model;

/// <summary>
/// Background work a staff member asked for (an export, a statistics rebuild): queued by the Api, run by a Worker, which
/// reports rows done of rows total while it runs; cancellable until it finishes. Table jobs.
/// </summary>
public sealed class Job : IAgencyOwned
{
    public Guid Id { get; set; }

    public Guid AgencyId { get; set; }

    public Guid UserId { get; set; }

    public required string Type { get; set; }

    /// <summary>The type's parameters as JSON (jsonb), validated by the Api before the job is queued.</summary>
    public required string Parameters { get; set; }

    /// <summary>0 (whenever) to 9 (first): among queued jobs of a type, higher runs first, then older.</summary>
    public short Priority { get; set; }

    public JobStatus Status { get; set; }

    public long RowsDone { get; set; }

    /// <summary>Known once the Worker has counted what the job will go through.</summary>
    public long? RowsTotal { get; set; }

    public bool CancelRequested { get; set; }

    public int Attempts { get; set; }

    public string? Worker { get; set; }

    public DateTimeOffset? HeartbeatAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? Error { get; set; }

    public string? ResultFile { get; set; }

    public long? ResultBytes { get; set; }

    public string? ResultSha256 { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public bool IsFinished => Status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;
}

public enum JobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

namespace HexProperty.Worker.Jobs;

/// <summary>How the Worker runs jobs (section "Jobs").</summary>
public sealed class JobOptions
{
    /// <summary>Jobs of a type this Worker runs at once; a type not listed runs one at a time.</summary>
    public Dictionary<string, int> Concurrency { get; set; } = new() { ["export"] = 2, ["stats-rebuild"] = 1 };

    /// <summary>How often a waiting Worker looks for queued jobs when no notification wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a running job's progress is written and its cancellation read: cancel takes effect within this.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A running job whose Worker has not reported for this long is requeued (or failed after <see cref="MaxAttempts"/>).</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxAttempts { get; set; } = 3;
}

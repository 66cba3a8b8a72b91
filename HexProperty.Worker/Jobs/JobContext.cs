namespace HexProperty.Worker.Jobs;

/// <summary>
/// What a running job sees: who asked, its parameters, and where it reports progress. Progress is kept in memory and
/// written by the runner every <see cref="JobOptions.ProgressInterval"/>, so reporting per row costs nothing.
/// </summary>
public sealed class JobContext(Guid id, Guid agencyId, Guid userId, string parameters, int attempt)
{
    private long _rowsDone;
    private long _rowsTotal = -1;

    public Guid Id { get; } = id;

    public Guid AgencyId { get; } = agencyId;

    public Guid UserId { get; } = userId;

    /// <summary>The parameters as JSON, as the Api validated them.</summary>
    public string Parameters { get; } = parameters;

    public int Attempt { get; } = attempt;

    public long RowsDone => Interlocked.Read(ref _rowsDone);

    public long? RowsTotal => Interlocked.Read(ref _rowsTotal) is var total and >= 0 ? total : null;

    /// <summary>The file a job produced, for the Api to serve.</summary>
    public JobResultFile? Result { get; set; }

    public void SetTotal(long rows) => Interlocked.Exchange(ref _rowsTotal, rows);

    public void SetDone(long rows) => Interlocked.Exchange(ref _rowsDone, rows);

    public void AddDone(long rows) => Interlocked.Add(ref _rowsDone, rows);
}

public sealed record JobResultFile(string Path, long Bytes, string Sha256);

/// <summary>Runs one job type. Throwing fails the job with the message; cancellation (the user's, or shutdown) stops it.</summary>
public interface IJobHandler
{
    string Type { get; }

    Task RunAsync(JobContext job, CancellationToken cancellationToken);
}

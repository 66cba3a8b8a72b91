using System.Collections.Concurrent;
using HexProperty.Data.Jobs;
using HexProperty.Data.Messaging;
using HexProperty.Data.Model;
using HexProperty.Messaging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HexProperty.Worker.Jobs;

/// <summary>
/// Claims queued jobs and runs them, at most <see cref="JobOptions.Concurrency"/> of a type at once, the most urgent
/// first (priority, then age). Claiming is one UPDATE over SKIP LOCKED rows, so Worker replicas never run a job twice.
/// While a job runs, its progress and a heartbeat are written every <see cref="JobOptions.ProgressInterval"/>, and the
/// same statement reads whether the user asked to cancel. The job's end and its <see cref="JobFinished"/> event are
/// written in one transaction (the outbox), so a notification follows every finished job.
/// </summary>
public sealed partial class JobRunner(
    IEnumerable<IJobHandler> handlers, NpgsqlDataSource dataSource, IOptions<JobOptions> options, IOptions<ExportStorageOptions> storage, TimeProvider time,
    OutboxRelay relay, ILogger<JobRunner> logger) : BackgroundService
{
    /// <summary>The PostgreSQL notification channel the Api signals on when it queues a job.</summary>
    public const string QueuedChannel = "jobs_queued";

    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Type);
    private readonly JobOptions _options = options.Value;
    private readonly ConcurrentDictionary<Guid, (string Type, Task Run)> _running = new();
    private readonly TimeSpan _retention = storage.Value.Retention;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly string _worker = $"{Environment.MachineName}:{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listening = ListenAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ClaimWhileRoomAsync(stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    LogClaimFailed(e.Message);
                }

                await _wake.WaitAsync(_options.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        finally
        {
            // Shutdown: the running jobs see the cancellation, and are requeued (not failed) as they stop.
            await Task.WhenAll(_running.Values.Select(r => r.Run));
            await listening;
        }
    }

    private int RunningOf(string type) => _running.Values.Count(r => r.Type == type);

    private async Task ClaimWhileRoomAsync(CancellationToken stoppingToken)
    {
        foreach (var (type, handler) in _handlers)
        {
            var limit = _options.Concurrency.GetValueOrDefault(type, 1);
            while (RunningOf(type) < limit && await ClaimAsync(type, stoppingToken) is { } job)
            {
                var run = new TaskCompletionSource();
                _running[job.Id] = (type, run.Task);
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await RunAsync(handler, job, stoppingToken);
                    }
                    catch (Exception e)
                    {
                        LogCleanupFailed(e, job.Id);
                    }
                    finally
                    {
                        // Whatever failed, the slot is given back and shutdown does not wait on this job forever.
                        _running.TryRemove(job.Id, out _);
                        run.TrySetResult();
                        _wake.Release();
                    }
                }, CancellationToken.None);
            }
        }
    }

    private async Task<JobContext?> ClaimAsync(string type, CancellationToken stoppingToken)
    {
        await using var claim = dataSource.CreateCommand("""
            update jobs set status = 'Running', worker = $2, heartbeat_at = $3, started_at = coalesce(started_at, $3), attempts = attempts + 1
            where id = (select id from jobs where status = 'Queued' and type = $1 order by priority desc, created_at limit 1 for update skip locked)
            returning id, agency_id, user_id, parameters::text, attempts
            """);
        claim.Parameters.AddWithValue(type);
        claim.Parameters.AddWithValue(_worker);
        claim.Parameters.AddWithValue(time.GetUtcNow());
        await using var reader = await claim.ExecuteReaderAsync(stoppingToken);
        return await reader.ReadAsync(stoppingToken)
            ? new JobContext(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetInt32(4))
            : null;
    }

    private async Task RunAsync(IJobHandler handler, JobContext job, CancellationToken stoppingToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var reporting = ReportWhileRunningAsync(job, cancel);
        var started = time.GetTimestamp();
        (JobStatus Status, string? Error) outcome;
        try
        {
            await handler.RunAsync(job, cancel.Token);
            outcome = (JobStatus.Succeeded, null);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            outcome = stoppingToken.IsCancellationRequested ? (JobStatus.Queued, null) : (JobStatus.Cancelled, null);
        }
        catch (Exception e)
        {
            LogJobFailed(e, handler.Type, job.Id);
            outcome = (JobStatus.Failed, e.Message);
        }

        await cancel.CancelAsync();
        await reporting;
        try
        {
            await FinishAsync(handler.Type, job, outcome.Status, outcome.Error);
            LogJobFinished(handler.Type, job.Id, outcome.Status, job.RowsDone, time.GetElapsedTime(started).TotalSeconds);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The heartbeat stops, so the recovery schedule requeues the job.
            LogFinishFailed(job.Id, e.Message);
        }
        finally
        {
            if (outcome.Status != JobStatus.Succeeded && job.Result is { } partial)
            {
                File.Delete(partial.Path);
            }
        }
    }

    /// <summary>Writes progress and a heartbeat; cancels the job when the user asked to (or when the row is gone).</summary>
    private async Task ReportWhileRunningAsync(JobContext job, CancellationTokenSource cancel)
    {
        using var timer = new PeriodicTimer(_options.ProgressInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancel.Token))
            {
                try
                {
                    await using var report = dataSource.CreateCommand("""
                        update jobs set rows_done = $2, rows_total = coalesce($3, rows_total), heartbeat_at = $4
                        where id = $1 and worker = $5 returning cancel_requested
                        """);
                    report.Parameters.AddWithValue(job.Id);
                    report.Parameters.AddWithValue(job.RowsDone);
                    report.Parameters.AddWithValue((object?)job.RowsTotal ?? DBNull.Value);
                    report.Parameters.AddWithValue(time.GetUtcNow());
                    report.Parameters.AddWithValue(_worker);
                    if (await report.ExecuteScalarAsync(cancel.Token) is not false)
                    {
                        await cancel.CancelAsync();
                    }
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    LogReportFailed(job.Id, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the job ended
        }
    }

    private async Task FinishAsync(string type, JobContext job, JobStatus status, string? error)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
        await using (var finish = new NpgsqlCommand("""
            update jobs set status = $3, rows_done = $4, rows_total = coalesce($5, rows_total), error = $6,
                finished_at = case when $3 = 'Queued' then null else $7 end,
                worker = case when $3 = 'Queued' then null else worker end,
                result_file = $8, result_bytes = $9, result_sha256 = $10, expires_at = $11
            where id = $1 and worker = $2
            """, connection, transaction))
        {
            var file = status == JobStatus.Succeeded ? job.Result : null;
            finish.Parameters.AddWithValue(job.Id);
            finish.Parameters.AddWithValue(_worker);
            finish.Parameters.AddWithValue(status.ToString());
            finish.Parameters.AddWithValue(job.RowsDone);
            finish.Parameters.AddWithValue((object?)job.RowsTotal ?? DBNull.Value);
            finish.Parameters.AddWithValue((object?)error ?? DBNull.Value);
            finish.Parameters.AddWithValue(now);
            finish.Parameters.AddWithValue((object?)file?.Path ?? DBNull.Value);
            finish.Parameters.AddWithValue((object?)file?.Bytes ?? DBNull.Value);
            finish.Parameters.AddWithValue((object?)file?.Sha256 ?? DBNull.Value);
            finish.Parameters.AddWithValue(file is null ? DBNull.Value : now + _retention);
            if (await finish.ExecuteNonQueryAsync(CancellationToken.None) == 0)
            {
                return; // requeued by recovery meanwhile: another Worker owns it now
            }
        }

        if (status != JobStatus.Queued)
        {
            await Outbox.InsertAsync(connection, transaction, [new JobFinished(job.Id, job.AgencyId, job.UserId, type, status.ToString(), job.RowsDone,
                job.Result is { } result && status == JobStatus.Succeeded ? Path.GetFileName(result.Path) : null, error) { OccurredAt = now }], CancellationToken.None);
        }

        await transaction.CommitAsync(CancellationToken.None);
        relay.Wake();
    }

    /// <summary>Wakes at once when the Api queues a job (LISTEN); polling covers a lost connection.</summary>
    private Task ListenAsync(CancellationToken stoppingToken) => ChannelWake.ListenAsync(dataSource, QueuedChannel, _wake, _options.PollInterval, stoppingToken);

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not claim jobs: {Error}")]
    private partial void LogClaimFailed(string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Type} {Id} failed")]
    private partial void LogJobFailed(Exception e, string type, Guid id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Type} {Id} ended {Status}: {Rows} rows in {Seconds:0.0} s")]
    private partial void LogJobFinished(string type, Guid id, JobStatus status, long rows, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the end of job {Id} ({Error}); it will be requeued")]
    private partial void LogFinishFailed(Guid id, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cleaning up after job {Id} failed; its slot is free again")]
    private partial void LogCleanupFailed(Exception exception, Guid id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report progress of job {Id}: {Error}")]
    private partial void LogReportFailed(Guid id, string error);
}

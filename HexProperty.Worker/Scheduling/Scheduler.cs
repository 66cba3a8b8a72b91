using System.Diagnostics;
using Npgsql;

namespace HexProperty.Worker.Scheduling;

/// <summary>Recurring work; returns a one-line summary of what it did, shown as the run's detail.</summary>
public interface IScheduledTask
{
    /// <summary>Its row in table schedules.</summary>
    string Name { get; }

    TimeSpan Interval { get; }

    Task<string> RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Runs every <see cref="IScheduledTask"/> on its interval, once across all Worker replicas: a replica runs a task only
/// after its UPDATE moved the task's next_due_at forward and marked it running, which one replica alone can do for a
/// given due time. A run that outlives its replica (a crash) is taken over after <see cref="AbandonedAfter"/>; a run
/// cut short by a graceful stop is recorded as failed and made due again at once, so another replica (or this one,
/// restarted) redoes it instead of waiting a whole interval. Each run's start, duration, outcome and detail are kept in
/// the row for the operations page.
/// </summary>
public sealed partial class Scheduler(IEnumerable<IScheduledTask> tasks, NpgsqlDataSource dataSource, TimeProvider time, ILogger<Scheduler> logger) : BackgroundService
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(10);

    private readonly IReadOnlyList<IScheduledTask> _tasks = [.. tasks];
    private readonly string _replica = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";
    private readonly Dictionary<string, Task> _running = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, time);
        var registered = false;
        do
        {
            try
            {
                if (!registered)
                {
                    await RegisterAsync(stoppingToken);
                    registered = true;
                }

                foreach (var task in _tasks)
                {
                    if (_running.TryGetValue(task.Name, out var run) && !run.IsCompleted)
                    {
                        continue;
                    }

                    if (await ClaimAsync(task, stoppingToken))
                    {
                        _running[task.Name] = RunAsync(task, stoppingToken);
                    }
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                LogUnavailable(e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => !t.IsCanceled && t.Result, TaskScheduler.Default));

        await Task.WhenAll(_running.Values);
    }

    /// <summary>Adds each task's row, due now, or updates its interval; the due time of an existing row is kept.</summary>
    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        await using var register = dataSource.CreateCommand("""
            insert into schedules (name, interval_seconds, next_due_at)
            select * from unnest($1::text[], $2::int[], $3::timestamptz[])
            on conflict (name) do update set interval_seconds = excluded.interval_seconds
            """);
        register.Parameters.AddWithValue(_tasks.Select(t => t.Name).ToArray());
        register.Parameters.AddWithValue(_tasks.Select(t => (int)Math.Ceiling(t.Interval.TotalSeconds)).ToArray());
        register.Parameters.AddWithValue(_tasks.Select(_ => time.GetUtcNow()).ToArray());
        await register.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<bool> ClaimAsync(IScheduledTask task, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var claim = dataSource.CreateCommand("""
            update schedules set next_due_at = $2 + make_interval(secs => interval_seconds), running_since = $2, running_on = $3, last_started_at = $2
            where name = $1 and next_due_at <= $2 and (running_since is null or running_since < $4)
            """);
        claim.Parameters.AddWithValue(task.Name);
        claim.Parameters.AddWithValue(now);
        claim.Parameters.AddWithValue(_replica);
        claim.Parameters.AddWithValue(now - AbandonedAfter);
        return await claim.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task RunAsync(IScheduledTask task, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var clock = Stopwatch.StartNew();
        string outcome = "Succeeded", detail = "";
        string? error = null;
        var interrupted = false;
        try
        {
            detail = await task.RunAsync(stoppingToken);
            LogRan(task.Name, clock.ElapsedMilliseconds, detail);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            outcome = "Failed";
            error = "stopped with the Worker";
            interrupted = true;
        }
        catch (Exception e)
        {
            outcome = "Failed";
            error = e.Message;
            LogFailed(e, task.Name);
        }

        try
        {
            await using var record = dataSource.CreateCommand("""
                update schedules set running_since = null, running_on = null, last_duration_ms = $3, last_outcome = $4, last_error = $5, last_detail = $6,
                    runs = runs + 1, failures = failures + case when $4 = 'Failed' then 1 else 0 end,
                    next_due_at = case when $7 then least(next_due_at, $8) else next_due_at end
                where name = $1 and running_on = $2
                """);
            record.Parameters.AddWithValue(task.Name);
            record.Parameters.AddWithValue(_replica);
            record.Parameters.AddWithValue((int)clock.ElapsedMilliseconds);
            record.Parameters.AddWithValue(outcome);
            record.Parameters.AddWithValue((object?)error ?? DBNull.Value);
            record.Parameters.AddWithValue(detail);
            record.Parameters.AddWithValue(interrupted);
            record.Parameters.AddWithValue(time.GetUtcNow());
            await record.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            LogUnavailable(e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedules unavailable: {Error}")]
    private partial void LogUnavailable(string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Schedule {Name} ran in {Milliseconds} ms: {Detail}")]
    private partial void LogRan(string name, long milliseconds, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Schedule {Name} failed")]
    private partial void LogFailed(Exception e, string name);
}

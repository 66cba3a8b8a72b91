using HexProperty.Worker.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;

namespace HexProperty.Worker.Tests;

/// <summary>Schedules with two Worker replicas on one database: each due run happens once, and its outcome is recorded.</summary>
[Collection(WorkerCollection.Name)]
public sealed class SchedulerTests(WorkerFixture worker)
{
    /// <summary>Counts its runs and how many ran at the same time, across every scheduler that runs it.</summary>
    private sealed class CountingTask(string name, Func<int, CancellationToken, Task>? body = null, TimeSpan? interval = null) : IScheduledTask
    {
        private int _running;
        private int _runs;

        public string Name { get; } = name;

        public TimeSpan Interval { get; } = interval ?? TimeSpan.FromSeconds(1);

        public int Runs => Volatile.Read(ref _runs);

        public bool Idle => Volatile.Read(ref _running) == 0;

        public int MostAtOnce { get; private set; }

        public async Task<string> RunAsync(CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _running);
            MostAtOnce = Math.Max(MostAtOnce, now);
            var run = Interlocked.Increment(ref _runs);
            try
            {
                await Task.Delay(300, cancellationToken);
                if (body is not null)
                {
                    await body(run, cancellationToken);
                }

                return $"run {run}";
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }

    [Fact]
    public async Task Two_replicas_run_each_due_schedule_once_and_record_its_outcome()
    {
        var task = new CountingTask("test-" + Guid.NewGuid().ToString("N")[..8], (run, _) => run == 2 ? throw new InvalidOperationException("second run fails") : Task.CompletedTask);
        using var first = new Scheduler([task], worker.DataSource, TimeProvider.System, NullLogger<Scheduler>.Instance);
        using var second = new Scheduler([task], worker.DataSource, TimeProvider.System, NullLogger<Scheduler>.Instance);

        await first.StartAsync(CancellationToken.None);
        await second.StartAsync(CancellationToken.None);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(6));
        // Stop with no run in flight, so none is interrupted and recorded as failed: push the schedule out of reach (no
        // claim can succeed after this), then wait until the row says the last claimed run has been recorded.
        Assert.Equal(1, await worker.ExecuteAsync("update schedules set next_due_at = now() + interval '1 hour' where name = $1", task.Name));
        await worker.UntilAsync("select running_since is null from schedules where name = $1", task.Name);
        var elapsed = clock.Elapsed;
        await first.StopAsync(CancellationToken.None);
        await second.StopAsync(CancellationToken.None);

        Assert.Equal(1, task.MostAtOnce);
        // One run per due second at most (about 6 in 6 s); two replicas each running every slot would make about 12.
        Assert.InRange(task.Runs, 3, (int)elapsed.TotalSeconds + 1);
        await using var read = worker.DataSource.CreateCommand("select runs, failures, last_outcome, last_detail, last_duration_ms, running_since from schedules where name = $1");
        read.Parameters.AddWithValue(task.Name);
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(task.Runs, reader.GetInt64(0));
        Assert.Equal(1, reader.GetInt64(1)); // the failing second run
        Assert.Equal("Succeeded", reader.GetString(2));
        Assert.Equal($"run {task.Runs}", reader.GetString(3));
        Assert.InRange(reader.GetInt32(4), 250, 5000);
        Assert.True(reader.IsDBNull(5)); // not left marked running
    }

    [Fact]
    public async Task A_run_cut_short_by_a_stop_is_recorded_as_failed_and_due_again_at_once()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = new CountingTask("test-" + Guid.NewGuid().ToString("N")[..8], async (_, stopping) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, stopping);
        }, TimeSpan.FromHours(1));
        using var scheduler = new Scheduler([task], worker.DataSource, TimeProvider.System, NullLogger<Scheduler>.Instance);
        await scheduler.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await scheduler.StopAsync(CancellationToken.None);

        Assert.True(task.Idle);
        await using var read = worker.DataSource.CreateCommand(
            "select runs, failures, last_outcome, last_error, running_since, next_due_at <= now() from schedules where name = $1");
        read.Parameters.AddWithValue(task.Name);
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(1, reader.GetInt64(0));
        Assert.Equal(1, reader.GetInt64(1));
        Assert.Equal("Failed", reader.GetString(2));
        Assert.Equal("stopped with the Worker", reader.GetString(3));
        Assert.True(reader.IsDBNull(4)); // released, not left for the abandoned-run takeover
        Assert.True(reader.GetBoolean(5)); // due now, not an interval later
    }

    [Fact]
    public async Task The_Workers_own_schedules_are_registered_and_run()
    {
        await worker.UntilAsync(
            "select count(*) = 4 from schedules where name in ('hold-expiry', 'daily-stats', 'job-housekeeping', 'analyze') and runs > 0 and last_outcome = 'Succeeded'");
    }
}

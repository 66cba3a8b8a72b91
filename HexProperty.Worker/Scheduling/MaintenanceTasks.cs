using HexProperty.Worker.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HexProperty.Worker.Scheduling;

/// <summary>Refreshes the planner's statistics of the tables that change all day, so plans follow the data.</summary>
public sealed class AnalyzeTask(NpgsqlDataSource dataSource) : IScheduledTask
{
    private static readonly string[] Tables = ["bookings", "unit_occupancy", "payments", "daily_stats", "jobs", "outbox_messages", "notifications"];

    public string Name => "analyze";

    public TimeSpan Interval => TimeSpan.FromHours(1);

    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        await using var analyze = dataSource.CreateCommand($"analyze {string.Join(", ", Tables)}");
        analyze.CommandTimeout = 600;
        await analyze.ExecuteNonQueryAsync(cancellationToken);
        return $"analyzed {Tables.Length} tables";
    }
}

/// <summary>
/// Requeues jobs whose Worker stopped reporting (a crash, a kill), or fails them after <see cref="JobOptions.MaxAttempts"/>
/// claims; and deletes export files past their retention.
/// </summary>
public sealed class JobHousekeepingTask(NpgsqlDataSource dataSource, IOptions<JobOptions> options, TimeProvider time) : IScheduledTask
{
    public string Name => "job-housekeeping";

    public TimeSpan Interval => TimeSpan.FromSeconds(15);

    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var recover = dataSource.CreateCommand("""
            update jobs set
                status = case when attempts >= $2 then 'Failed' else 'Queued' end,
                error = case when attempts >= $2 then 'the Worker running it stopped ' || attempts || ' times' end,
                finished_at = case when attempts >= $2 then $3 end,
                worker = null
            where status = 'Running' and heartbeat_at < $1
            """);
        recover.Parameters.AddWithValue(now - options.Value.HeartbeatTimeout);
        recover.Parameters.AddWithValue(options.Value.MaxAttempts);
        recover.Parameters.AddWithValue(now);
        var recovered = await recover.ExecuteNonQueryAsync(cancellationToken);

        // The row forgets the file first: a download after this finds no file rather than half of one.
        await using var expire = dataSource.CreateCommand("""
            with expired as (select id, result_file from jobs where result_file is not null and expires_at <= $1 for update skip locked)
            update jobs j set result_file = null from expired e where j.id = e.id returning e.result_file
            """);
        expire.Parameters.AddWithValue(now);
        var deleted = 0;
        await using (var reader = await expire.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                File.Delete(reader.GetString(0));
                deleted++;
            }
        }

        return $"{recovered} stalled jobs recovered, {deleted} expired files";
    }
}

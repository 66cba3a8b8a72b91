using System.Text;
using HexProperty.Api.Contracts;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Caching;
using HexProperty.Data.Messaging;
using HexProperty.Data.Persistence;
using HexProperty.Messaging;
using HexProperty.ServiceDefaults.Resilience;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HexProperty.Api.Apis;

/// <summary>For platform operators: an overview of this instance and the database, the events consumers gave up on
/// (list, replay) and the Worker's schedules.</summary>
public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("/api/ops").WithTags("Operations").RequireAuthorization(StaffPolicies.Operator);
        ops.MapGet("/overview", OverviewAsync).WithName("OperationsOverview")
            .WithSummary("This instance: cache per profile, breakers, queue depths, jobs of the last day, slowest statements, unused indexes.");
        ops.MapGet("/dead-letters", DeadLettersAsync).WithName("ListDeadLetters")
            .WithSummary("Events a consumer gave up on, newest first.");
        ops.MapPost("/dead-letters/{id:guid}/replay", ReplayAsync).WithName("ReplayDeadLetter")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Sends a dead-lettered event back to its consumer.");
        ops.MapGet("/metrics", (Monitoring.PrometheusReader prometheus, CancellationToken cancellationToken) => prometheus.ReadAsync(cancellationToken))
            .WithName("OperationsMetrics")
            .WithSummary("From Prometheus, over every replica: the last hour of latency, errors, traffic, cache, database, queues, lag, CPU and memory, and each endpoint now.");
        ops.MapGet("/schedules", SchedulesAsync).WithName("ListSchedules")
            .WithSummary("The Worker's schedules: when each last ran, how it went, when it runs next.");
        return app;
    }

    public static async Task<Results<Ok<Page<DeadLetterView>>, ValidationProblem>> DeadLettersAsync(
        [AsParameters] DeadLetterQuery query, HexDbContext db, CancellationToken cancellationToken)
    {
        if (KeysetCursor.CheckTimePage(query.Limit, query.After, out var cursor) is { } invalid)
        {
            return invalid;
        }

        var letters = db.DeadLetters.AsNoTracking();
        if (query.Consumer is { } consumer)
        {
            letters = letters.Where(d => d.Consumer == consumer);
        }

        if (query.Replayed is { } replayed)
        {
            letters = letters.Where(d => (d.ReplayedAt != null) == replayed);
        }

        if (cursor?.Time is { } at)
        {
            letters = letters.Where(d => d.DeadAt < at || (d.DeadAt == at && d.Id.CompareTo(cursor.Id) < 0));
        }

        var take = query.Limit ?? 50;
        var rows = await letters.OrderByDescending(d => d.DeadAt).ThenByDescending(d => d.Id).Take(take + 1).ToListAsync(cancellationToken);
        var next = rows.Count > take ? KeysetCursor.At(rows[take - 1].DeadAt, rows[take - 1].Id).Encode() : null;
        return TypedResults.Ok(new Page<DeadLetterView>(
            [.. rows.Take(take).Select(d => new DeadLetterView(d.Id, d.Consumer, d.EventId, d.Type, Encoding.UTF8.GetString(d.Body), d.Attempts, d.Error, d.DeadAt, d.ReplayedAt))],
            next));
    }

    /// <summary>Sends the event back to its consumer's queue (through the outbox): 202 once queued for the relay.</summary>
    public static async Task<Results<Accepted, ProblemHttpResult>> ReplayAsync(Guid id, NpgsqlDataSource dataSource, TimeProvider time, CancellationToken cancellationToken) =>
        await DeadLetters.ReplayAsync(dataSource, id, time.GetUtcNow(), cancellationToken) switch
        {
            DeadLetters.ReplayOutcome.Replayed => TypedResults.Accepted((string?)null),
            DeadLetters.ReplayOutcome.NotFound => Problems.NotFound("dead letter with this id"),
            DeadLetters.ReplayOutcome.AlreadyReplayed => Problems.Conflict("already-replayed", "Already replayed", "This dead letter was replayed; if it failed again, it is a new dead letter."),
            _ => Problems.Conflict("not-an-event", "Not an event", "The message has no event id or is not JSON: no consumer could read it, so replaying it cannot help."),
        };

    public static async Task<Ok<ScheduleView[]>> SchedulesAsync(HexDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Schedules.AsNoTracking().OrderBy(s => s.Name)
            .Select(s => new ScheduleView(s.Name, s.IntervalSeconds, s.NextDueAt, s.RunningSince != null, s.RunningOn, s.LastStartedAt, s.LastDurationMs,
                s.LastOutcome, s.LastError, s.LastDetail, s.Runs, s.Failures))
            .ToArrayAsync(cancellationToken));

    public static async Task<Ok<OpsOverview>> OverviewAsync(
        LayeredHybridCache cache, IServiceProvider services, IConfiguration configuration, HexDbContext db,
        NpgsqlDataSource dataSource, ReadReplica reads, DatabasePoolOptions pool, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<BreakerView> breakers = [new("cache:redis", cache.DistributedBreakerState)];
        if (services.GetService<HttpCircuitStates>() is { } circuits)
        {
            breakers.AddRange(circuits.States.Select(c => new BreakerView("http:" + c.Key, c.Value.ToString())));
        }

        var queues = configuration.GetConnectionString("messaging") is { Length: > 0 } amqp
            ? await QueueDepths.ReadAsync(amqp, KnownConsumers.Queues, TimeSpan.FromSeconds(3), cancellationToken)
            : [.. KnownConsumers.Queues.Select(q => new QueueDepth(q, null, null, "no messaging connection string"))];

        var since = now.AddDays(-1);
        var jobs = (await db.Jobs.AsNoTracking().Where(j => j.CreatedAt >= since)
                .GroupBy(j => new { j.Type, j.Status })
                .Select(g => new { g.Key.Type, g.Key.Status, Count = g.Count(), Seconds = g.Where(j => j.FinishedAt != null && j.StartedAt != null).Select(j => (j.FinishedAt!.Value - j.StartedAt!.Value).TotalSeconds).ToList() })
                .ToListAsync(cancellationToken))
            .Select(g => new JobRunSummary(g.Type, g.Status.ToString(), g.Count, g.Seconds.Count == 0 ? null : Math.Round(g.Seconds.Average(), 2)))
            .OrderBy(j => j.Type).ThenBy(j => j.Status).ToList();

        return TypedResults.Ok(new OpsOverview(
            PlatformApi.ServiceInstanceId(configuration), now, cache.Statistics, breakers, queues, jobs,
            await SlowStatementsAsync(dataSource, cancellationToken), await UnusedIndexesAsync(dataSource, cancellationToken),
            await ReplicationAsync(dataSource, reads, pool, cancellationToken)));
    }

    /// <summary>Each standby's lag as the primary sees it, and which server this instance's reads reach right now.</summary>
    private static async Task<ReplicationView> ReplicationAsync(NpgsqlDataSource primary, ReadReplica reads, DatabasePoolOptions pool, CancellationToken cancellationToken)
    {
        string readsFrom;
        try
        {
            await using var connection = await reads.OpenConnectionAsync(cancellationToken);
            await using var recovery = new NpgsqlCommand("select pg_is_in_recovery()", connection);
            readsFrom = (bool)(await recovery.ExecuteScalarAsync(cancellationToken))! ? "standby"
                : reads.Separate ? "primary (the standby is not answering or is behind)" : "primary (no standby configured)";
        }
        catch (NpgsqlException e)
        {
            readsFrom = $"unreachable: {e.Message}";
        }

        const string Sql = """
            select coalesce(nullif(application_name, ''), client_addr::text, 'standby'), state,
                   extract(epoch from replay_lag) * 1000, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint
            from pg_stat_replication order by 1
            """;
        DatabaseSection<StandbyLag> standbys;
        try
        {
            await using var command = primary.CreateCommand(Sql);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<StandbyLag>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new StandbyLag(reader.GetString(0), reader.GetString(1),
                    reader.IsDBNull(2) ? null : Math.Round((double)reader.GetDecimal(2), 2), reader.IsDBNull(3) ? null : reader.GetInt64(3)));
            }

            standbys = new DatabaseSection<StandbyLag>(rows, null);
        }
        catch (PostgresException e)
        {
            standbys = new DatabaseSection<StandbyLag>([], $"pg_stat_replication cannot be read: {e.MessageText}");
        }

        var (onStandby, onPrimary, behind) = reads.Counts;
        return new ReplicationView(readsFrom, onStandby, onPrimary, behind, standbys, new PoolView(
            pool.MaxConnections, pool.IdleLifetime.TotalSeconds, pool.StatementTimeout.TotalSeconds, pool.CommandTimeout.TotalSeconds));
    }

    /// <summary>The ten statements with the highest mean time. The server preloads pg_stat_statements; the view appears once
    /// the extension is created in this database, which is tried once here (it needs a role allowed to create it).</summary>
    private static async Task<DatabaseSection<SlowStatement>> SlowStatementsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        const string Sql = """
            select left(query, 500), calls, mean_exec_time, total_exec_time, rows
            from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
            order by mean_exec_time desc limit 10
            """;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var command = dataSource.CreateCommand(Sql);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                var rows = new List<SlowStatement>();
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add(new SlowStatement(reader.GetString(0), reader.GetInt64(1), Math.Round(reader.GetDouble(2), 3), Math.Round(reader.GetDouble(3), 1), reader.GetInt64(4)));
                }

                return new DatabaseSection<SlowStatement>(rows, null);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable && attempt == 0)
            {
                try
                {
                    await using var create = dataSource.CreateCommand("create extension if not exists pg_stat_statements");
                    await create.ExecuteNonQueryAsync(cancellationToken);
                }
                catch (PostgresException denied)
                {
                    return new DatabaseSection<SlowStatement>([], $"pg_stat_statements is not installed in this database: {denied.MessageText}");
                }
            }
            catch (PostgresException e)
            {
                return new DatabaseSection<SlowStatement>([], $"pg_stat_statements cannot be read: {e.MessageText}");
            }
        }
    }

    /// <summary>Indexes never scanned since the statistics were last reset, biggest first; unique and primary keys and
    /// the indexes behind constraints (the exclusion constraint against double booking) are left out, because they
    /// enforce rules even when no query reads them.</summary>
    private static async Task<DatabaseSection<UnusedIndex>> UnusedIndexesAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        const string Sql = """
            select s.relname, s.indexrelname, pg_relation_size(s.indexrelid)
            from pg_stat_user_indexes s join pg_index i on i.indexrelid = s.indexrelid
            where s.idx_scan = 0 and not i.indisunique and not i.indisprimary
              and not exists (select 1 from pg_constraint c where c.conindid = s.indexrelid)
            order by pg_relation_size(s.indexrelid) desc limit 20
            """;
        try
        {
            await using var command = dataSource.CreateCommand(Sql);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<UnusedIndex>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new UnusedIndex(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            }

            return new DatabaseSection<UnusedIndex>(rows, null);
        }
        catch (PostgresException e)
        {
            return new DatabaseSection<UnusedIndex>([], e.MessageText);
        }
    }
}

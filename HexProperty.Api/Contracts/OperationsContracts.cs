using HexProperty.Caching;
using HexProperty.Messaging;

namespace HexProperty.Api.Contracts;

/// <summary>
/// What an operator checks first, from the Api instance that answered (the figures over every replica come from
/// Prometheus: /api/ops/metrics): its cache per profile, its circuit breakers, the event queues, background jobs of the last 24 hours, the slowest statements
/// (pg_stat_statements), indexes never scanned, and the database's replication and pool. Each database part says why
/// when it cannot be read.
/// </summary>
public sealed record OpsOverview(
    string? Instance,
    DateTimeOffset At,
    CacheStatistics Cache,
    IReadOnlyList<BreakerView> Breakers,
    IReadOnlyList<QueueDepth> Queues,
    IReadOnlyList<JobRunSummary> Jobs,
    DatabaseSection<SlowStatement> SlowStatements,
    DatabaseSection<UnusedIndex> UnusedIndexes,
    ReplicationView Replication);

/// <summary>
/// Where this instance's lag-tolerant reads go now ("standby", or "primary" while the standby is down or when there is
/// none), how many of this instance's reads each served since it started (and how often the standby was too far
/// behind or not answering), each standby streaming from the primary with its lag (pg_stat_replication), and the connection pool.
/// </summary>
public sealed record ReplicationView(string ReadsFrom, long ReadsOnStandby, long ReadsOnPrimary, long StandbyBehind, DatabaseSection<StandbyLag> Standbys, PoolView Pool);

/// <param name="ReplayLagMs">Time from a commit on the primary to its replay on the standby, as the primary last measured it.</param>
/// <param name="BytesBehind">WAL the primary has written that the standby has not replayed yet.</param>
public sealed record StandbyLag(string Name, string State, double? ReplayLagMs, long? BytesBehind);

public sealed record PoolView(int MaxConnections, double IdleLifetimeSeconds, double StatementTimeoutSeconds, double CommandTimeoutSeconds);

/// <param name="Name">"cache:redis" for the distributed cache, "http:{client}" for an HTTP client.</param>
public sealed record BreakerView(string Name, string State);

public sealed record JobRunSummary(string Type, string Status, int Count, double? AverageSeconds);

public sealed record DatabaseSection<T>(IReadOnlyList<T> Rows, string? Unavailable);

public sealed record SlowStatement(string Query, long Calls, double MeanMs, double TotalMs, long Rows);

public sealed record UnusedIndex(string Table, string Index, long SizeBytes);

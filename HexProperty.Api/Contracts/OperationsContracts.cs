using HexProperty.Caching;
using HexProperty.Messaging;
using HexProperty.ServiceDefaults.Telemetry;

namespace HexProperty.Api.Contracts;

/// <summary>
/// What an operator checks first, from the Api instance that answered: its cache per profile, each endpoint's
/// latency, its circuit breakers, the event queues, background jobs of the last 24 hours, the slowest statements
/// (pg_stat_statements) and indexes never scanned. Each database part says why when it cannot be read.
/// </summary>
public sealed record OpsOverview(
    string? Instance,
    DateTimeOffset At,
    CacheStatistics Cache,
    IReadOnlyList<EndpointLatencySnapshot> Endpoints,
    IReadOnlyList<BreakerView> Breakers,
    IReadOnlyList<QueueDepth> Queues,
    IReadOnlyList<JobRunSummary> Jobs,
    DatabaseSection<SlowStatement> SlowStatements,
    DatabaseSection<UnusedIndex> UnusedIndexes);

/// <param name="Name">"cache:redis" for the distributed cache, "http:{client}" for an HTTP client.</param>
public sealed record BreakerView(string Name, string State);

public sealed record JobRunSummary(string Type, string Status, int Count, double? AverageSeconds);

public sealed record DatabaseSection<T>(IReadOnlyList<T> Rows, string? Unavailable);

public sealed record SlowStatement(string Query, long Calls, double MeanMs, double TotalMs, long Rows);

public sealed record UnusedIndex(string Table, string Index, long SizeBytes);

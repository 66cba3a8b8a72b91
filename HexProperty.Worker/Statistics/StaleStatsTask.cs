using HexProperty.Data.Caching;
using HexProperty.Data.Persistence;
using HexProperty.Worker.Scheduling;
using Microsoft.Extensions.Caching.Hybrid;
using Npgsql;

namespace HexProperty.Worker.Statistics;

/// <summary>
/// Keeps the daily statistics current: takes the days that bookings and blocks marked stale (a trigger does, whatever
/// wrote them), recomputes them in the same transaction, and invalidates the dashboards of the agencies concerned.
/// </summary>
public sealed class StaleStatsTask(NpgsqlDataSource dataSource, HybridCache cache, TimeProvider time) : IScheduledTask
{
    public string Name => "daily-stats";

    public TimeSpan Interval => TimeSpan.FromSeconds(30);

    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var stale = await DailyStats.TakeStaleAsync(connection, transaction, cancellationToken);
        var rows = 0;
        foreach (var range in stale)
        {
            rows += await DailyStats.RecomputeAsync(connection, transaction, [range.PropertyId], range.From, range.To, time.GetUtcNow(), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        var agencies = stale.Select(s => s.AgencyId).Distinct().ToList();
        if (agencies.Count > 0)
        {
            await cache.RemoveByTagAsync(agencies.Select(CacheTags.Dashboard), CancellationToken.None);
        }

        return $"{stale.Count} properties, {rows} days recomputed";
    }
}

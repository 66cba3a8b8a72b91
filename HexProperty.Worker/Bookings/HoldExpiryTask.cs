using HexProperty.Data.Persistence;
using HexProperty.Worker.Scheduling;
using Microsoft.Extensions.Caching.Hybrid;
using Npgsql;

namespace HexProperty.Worker.Bookings;

/// <summary>
/// Marks lapsed holds Expired, frees their nights and invalidates the cached calendars and searches that showed them
/// taken: a hold lapses by time, not by a write, so no Api request would do it. Reads already ignore lapsed holds.
/// </summary>
public sealed class HoldExpiryTask(NpgsqlDataSource dataSource, HybridCache cache, TimeProvider time) : IScheduledTask
{
    public string Name => "hold-expiry";

    public TimeSpan Interval => TimeSpan.FromSeconds(30);

    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var freed = await HoldExpiry.ExpireLapsedAsync(dataSource, cache, time.GetUtcNow(), cancellationToken);
        return $"{freed.Count} holds expired in {freed.Select(s => s.PropertyId).Distinct().Count()} properties";
    }
}

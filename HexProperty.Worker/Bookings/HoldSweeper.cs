using HexProperty.Data.Persistence;
using Microsoft.Extensions.Caching.Hybrid;
using Npgsql;

namespace HexProperty.Worker.Bookings;

/// <summary>
/// Every 30 seconds, marks lapsed holds Expired, frees their nights and invalidates the cached calendars and searches
/// that showed them taken: a hold lapses by time, not by a write, so no Api request would do it.
/// </summary>
public sealed class HoldSweeper(NpgsqlDataSource dataSource, HybridCache cache, TimeProvider time, ILogger<HoldSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var freed = await HoldExpiry.ExpireLapsedAsync(dataSource, cache, time.GetUtcNow(), stoppingToken);
                if (freed.Count > 0)
                {
                    logger.LogInformation("Expired {Count} lapsed holds in {Properties} properties", freed.Count, freed.Select(s => s.PropertyId).Distinct().Count());
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Could not expire lapsed holds: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

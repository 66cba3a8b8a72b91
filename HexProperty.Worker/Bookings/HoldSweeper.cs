using HexProperty.Data.Persistence;
using Npgsql;

namespace HexProperty.Worker.Bookings;

/// <summary>Every 30 seconds, marks lapsed holds Expired and frees their nights.</summary>
public sealed class HoldSweeper(NpgsqlDataSource dataSource, TimeProvider time, ILogger<HoldSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var expired = await HoldExpiry.ExpireLapsedAsync(dataSource, time.GetUtcNow(), stoppingToken);
                if (expired > 0)
                {
                    logger.LogInformation("Expired {Count} lapsed holds", expired);
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

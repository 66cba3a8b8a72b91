using System.Collections.Concurrent;
using Npgsql;

namespace HexProperty.Api.Catalog;

/// <summary>
/// Counts property details views in memory and adds them to table property_views every <see cref="FlushInterval"/>
/// and at shutdown, one statement per flush, so counting costs a request nothing. The Worker's cache warmer reads the
/// table; its own reads carry <see cref="WarmerHeader"/> and are not counted, or warming would feed itself.
/// </summary>
public sealed partial class PropertyViews(NpgsqlDataSource dataSource, TimeProvider time, ILogger<PropertyViews> logger) : BackgroundService
{
    public const string WarmerHeader = "X-HexProperty-Warm";

    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(30);

    private ConcurrentDictionary<Guid, long> _counts = new();

    public void Count(Guid propertyId) => _counts.AddOrUpdate(propertyId, 1, static (_, n) => n + 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => !t.IsCanceled && t.Result, TaskScheduler.Default))
        {
            await FlushAsync(stoppingToken);
        }

        await FlushAsync(CancellationToken.None);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var counts = Interlocked.Exchange(ref _counts, new ConcurrentDictionary<Guid, long>());
        if (counts.IsEmpty)
        {
            return;
        }

        try
        {
            await using var upsert = dataSource.CreateCommand("""
                insert into property_views (property_id, day, views)
                select v.id, $3, v.n from unnest($1::uuid[], $2::bigint[]) v(id, n) join properties p on p.id = v.id
                on conflict (property_id, day) do update set views = property_views.views + excluded.views
                """);
            upsert.Parameters.AddWithValue(counts.Keys.ToArray());
            upsert.Parameters.AddWithValue(counts.Values.ToArray());
            upsert.Parameters.AddWithValue(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            LogFlushFailed(counts.Count, e.Message); // view counts are a hint for the warmer; losing one flush is acceptable
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record views of {Count} properties: {Error}")]
    private partial void LogFlushFailed(int count, string error);
}

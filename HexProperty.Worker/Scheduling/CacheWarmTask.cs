using Npgsql;

namespace HexProperty.Worker.Scheduling;

/// <summary>
/// Keeps the most viewed properties of the last 7 days cached: reads their details through the Api (service discovery,
/// the standard resilience pipeline), which fills the shared Redis layer and the answering replica's memory, or finds
/// them there already. Views are counted by the Api (table property_views).
/// </summary>
public sealed class CacheWarmTask(NpgsqlDataSource dataSource, IHttpClientFactory clients, TimeProvider time) : IScheduledTask
{
    public const string ApiClient = "api";

    public const int Top = 50;

    public string Name => "cache-warm";

    public TimeSpan Interval => TimeSpan.FromMinutes(4); // under the details profile's 5-minute memory expiry

    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var ids = new List<Guid>();
        await using (var top = dataSource.CreateCommand("""
            select v.property_id from property_views v join properties p on p.id = v.property_id and p.status = 'Active'
            where v.day >= $1 group by v.property_id order by sum(v.views) desc limit $2
            """))
        {
            top.Parameters.AddWithValue(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(-7));
            top.Parameters.AddWithValue(Top);
            await using var reader = await top.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetGuid(0));
            }
        }

        var client = clients.CreateClient(ApiClient);
        var warmed = 0;
        foreach (var id in ids)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/properties/{id}");
            request.Headers.Add("X-HexProperty-Warm", "1"); // not counted as a view
            using var response = await client.SendAsync(request, cancellationToken);
            warmed += response.IsSuccessStatusCode ? 1 : 0;
        }

        return $"{warmed} of {ids.Count} most viewed properties read";
    }
}

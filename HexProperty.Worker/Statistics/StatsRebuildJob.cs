using System.Text.Json;
using HexProperty.Data.Caching;
using HexProperty.Data.Jobs;
using HexProperty.Data.Persistence;
using HexProperty.Worker.Jobs;
using Microsoft.Extensions.Caching.Hybrid;
using Npgsql;

namespace HexProperty.Worker.Statistics;

/// <summary>Recomputes an agency's daily statistics for a date range, 50 properties per transaction; progress counts properties.</summary>
public sealed class StatsRebuildJob(NpgsqlDataSource dataSource, HybridCache cache, TimeProvider time) : IJobHandler
{
    private const int Batch = 50;

    public string Type => JobTypes.StatsRebuild;

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var parameters = JsonSerializer.Deserialize<StatsRebuildParameters>(job.Parameters, JobTypes.Json) ?? throw new InvalidDataException("parameters are missing");
        var properties = new List<Guid>();
        await using (var list = dataSource.CreateCommand("select id from properties where agency_id = $1 order by id"))
        {
            list.Parameters.AddWithValue(job.AgencyId);
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                properties.Add(reader.GetGuid(0));
            }
        }

        job.SetTotal(properties.Count);
        foreach (var chunk in properties.Chunk(Batch))
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await DailyStats.RecomputeAsync(connection, transaction, chunk, parameters.From, parameters.To, time.GetUtcNow(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            job.AddDone(chunk.Length);
        }

        await cache.RemoveByTagAsync(CacheTags.Dashboard(job.AgencyId), CancellationToken.None);
    }
}

using System.Diagnostics;
using HexProperty.Data.Jobs;
using HexProperty.Seed;
using Npgsql;
using static HexProperty.Bench.Bench;

namespace HexProperty.Bench;

/// <summary>
/// An export of N bookings by the running Worker (plain and gzip), beside its ceiling: the same COPY query read by
/// this process and thrown away, in the same run. The Worker's resident memory is sampled while it exports.
/// </summary>
internal static class ExportBench
{
    public static async Task<int> RunAsync(NpgsqlDataSource dataSource, int bookings, int workerPid, CancellationToken cancellationToken)
    {
        var agency = await BenchmarkAgencyAsync(dataSource, bookings, cancellationToken);
        var parameters = new ExportParameters(ExportDataset.Bookings, new DateOnly(2026, 1, 1), new DateOnly(2028, 1, 1));
        var (count, select) = ExportQuery.For(parameters, agency.AgencyId);

        var clock = Stopwatch.StartNew();
        await using (var total = dataSource.CreateCommand(count))
        {
            await total.ExecuteScalarAsync(cancellationToken);
        }

        var countSeconds = clock.Elapsed.TotalSeconds;
        await RawCopyAsync(dataSource, select, cancellationToken); // warms the cache, as the Worker's run will find it
        var rawSeconds = await RawCopyAsync(dataSource, select, cancellationToken);
        var rawRate = bookings / rawSeconds;
        Console.WriteLine(Format($"  ceiling: COPY of the same query read and discarded here: {rawSeconds:0.00} s, {rawRate:N0} rows/s (the count before it: {countSeconds:0.00} s)"));

        var plain = await WorkerExportAsync(dataSource, agency, parameters, workerPid, cancellationToken);
        var gzip = await WorkerExportAsync(dataSource, agency, parameters with { Gzip = true }, workerPid, cancellationToken);

        Console.WriteLine();
        Console.WriteLine("| run | seconds | rows/s | share of the COPY ceiling | file MB | Worker RSS before, peak MB |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine(Format($"| COPY of the same query, discarded (ceiling) | {rawSeconds:0.00} | {rawRate:N0} | 1.00 | | |"));
        foreach (var (name, run) in new[] { ("Worker export, CSV", plain), ("Worker export, CSV gzip", gzip) })
        {
            var rate = bookings / run.Seconds;
            Console.WriteLine(Format($"| {name} | {run.Seconds:0.00} | {rate:N0} | {rate / rawRate:0.00} | {run.Bytes / 1e6:0.0} | {run.RssBefore:0}, {run.RssPeak:0} |"));
        }

        return 0;
    }

    /// <summary>The agency named after its size, made once (1M bookings take about a minute) and kept for later runs.</summary>
    private static async Task<BulkAgency.Created> BenchmarkAgencyAsync(NpgsqlDataSource dataSource, int bookings, CancellationToken cancellationToken)
    {
        var name = Format($"Benchmark: {bookings} bookings");
        await using (var find = dataSource.CreateCommand("""
            select a.id, u.id, u.email, p.id from agencies a join staff_users u on u.agency_id = a.id join properties p on p.agency_id = a.id
            where a.name = $1 limit 1
            """))
        {
            find.Parameters.AddWithValue(name);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                Console.WriteLine($"  agency '{name}' exists");
                return new(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetGuid(3));
            }
        }

        Console.WriteLine($"  creating agency '{name}' (once; later runs reuse it)...");
        var clock = Stopwatch.StartNew();
        var created = await BulkAgency.CreateAsync(dataSource, name, bookings, cancellationToken);
        await using (var analyze = dataSource.CreateCommand("analyze bookings"))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        Console.WriteLine(Format($"  created in {clock.Elapsed.TotalSeconds:0.0} s"));
        return created;
    }

    private static async Task<double> RawCopyAsync(NpgsqlDataSource dataSource, string select, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        using var copy = await connection.BeginTextExportAsync($"copy ({select}) to stdout with (format csv, header)", cancellationToken);
        var buffer = new char[1 << 15];
        while (await copy.ReadAsync(buffer.AsMemory(), cancellationToken) > 0)
        {
        }

        return clock.Elapsed.TotalSeconds;
    }

    private sealed record Run(double Seconds, long Bytes, double RssBefore, double RssPeak);

    /// <summary>Queues the export as the Api does and follows it to the end, sampling the Worker's memory every 100 ms.</summary>
    private static async Task<Run> WorkerExportAsync(NpgsqlDataSource dataSource, BulkAgency.Created agency, ExportParameters parameters, int workerPid, CancellationToken cancellationToken)
    {
        var before = ResidentMegabytes(workerPid);
        var peak = before;
        var job = await BulkAgency.EnqueueJobAsync(dataSource, agency, JobTypes.Export, parameters, priority: 9, cancellationToken);
        var progress = (ProgressLine?)null;
        await using var read = dataSource.CreateCommand("""
            select status, rows_done, rows_total, extract(epoch from finished_at - started_at)::float8, result_bytes, error from jobs where id = $1
            """);
        read.Parameters.AddWithValue(job);
        while (true)
        {
            peak = Math.Max(peak, ResidentMegabytes(workerPid));
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                var status = reader.GetString(0);
                if (!reader.IsDBNull(2))
                {
                    progress ??= new ProgressLine(parameters.Gzip ? "export, gzip" : "export", reader.GetInt64(2), Console.Out);
                    progress.Report(reader.GetInt64(1));
                }

                if (status == "Succeeded")
                {
                    progress?.Done();
                    var run = new Run(reader.GetDouble(3), reader.GetInt64(4), before, peak);
                    await ExpireAsync(dataSource, job, cancellationToken);
                    return run;
                }

                if (status is "Failed" or "Cancelled")
                {
                    throw new InvalidOperationException($"the export {status}: {(reader.IsDBNull(5) ? "" : reader.GetString(5))}");
                }
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The file is not needed after the run: past retention now, so the Worker's housekeeping deletes it.</summary>
    private static async Task ExpireAsync(NpgsqlDataSource dataSource, Guid job, CancellationToken cancellationToken)
    {
        await using var expire = dataSource.CreateCommand("update jobs set expires_at = now() where id = $1");
        expire.Parameters.AddWithValue(job);
        await expire.ExecuteNonQueryAsync(cancellationToken);
    }
}

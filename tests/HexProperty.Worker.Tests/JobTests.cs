extern alias seed;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HexProperty.Data.Jobs;
using Npgsql;
using seed::HexProperty.Seed;
using Xunit.Abstractions;

namespace HexProperty.Worker.Tests;

/// <summary>Jobs as the Worker runs them: queued in the table the Api writes, claimed, reported, cancelled, finished.</summary>
[Collection(WorkerCollection.Name)]
public sealed class JobTests(WorkerFixture worker, ITestOutputHelper output)
{
    private sealed record JobRow(string Status, long RowsDone, long? RowsTotal, string? File, long? Bytes, string? Sha256, string? Error, bool CancelRequested);

    [Fact]
    public async Task A_100k_booking_export_has_every_row_a_matching_checksum_monotonic_progress_and_a_ready_notification()
    {
        var agency = await worker.AgencyWithBookingsAsync(100_000);
        var job = await EnqueueAsync(agency, new ExportParameters(ExportDataset.Bookings, new DateOnly(2026, 1, 1), new DateOnly(2028, 1, 1)));

        var seen = new List<long>();
        var done = await WaitFinishedAsync(job, row => seen.Add(row.RowsDone));

        Assert.Equal("Succeeded", done.Status);
        Assert.Equal(100_000, done.RowsTotal);
        Assert.Equal(100_000, done.RowsDone);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First <= p.Second), "progress went backwards: " + string.Join(",", seen));
        var bytes = await File.ReadAllBytesAsync(done.File!);
        Assert.Equal(done.Bytes, bytes.Length);
        Assert.Equal(done.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.False(File.Exists(done.File + ".partial"));

        // Every booking once, with its total: the file's sum of totals is the database's.
        var records = Csv(Encoding.UTF8.GetString(bytes));
        Assert.Equal(100_001, records.Count); // and the header
        var totalColumn = Array.IndexOf(records[0], "total");
        var referenceColumn = Array.IndexOf(records[0], "reference");
        var fileSum = records.Skip(1).Sum(r => decimal.Parse(r[totalColumn], CultureInfo.InvariantCulture));
        Assert.Equal(await worker.ScalarAsync<decimal>("select sum(total) from bookings where agency_id = $1", agency.AgencyId), fileSum);
        Assert.Equal(100_000, records.Skip(1).Select(r => r[referenceColumn]).Distinct().Count());
        Assert.Contains("Guest\nWith A Line Break", records[1]); // a line break inside a quoted field is not a new row

        var notification = await WorkerFixture.EventuallyAsync(() => worker.ScalarOrNullAsync<string>(
            "select title from notifications where user_id = $1 and kind = 'export-ready'", agency.UserId));
        Assert.Equal("Your export is ready", notification);
        var mail = await WorkerFixture.EventuallyAsync(() => Task.FromResult(Directory.Exists(worker.Mail)
            ? Directory.GetFiles(worker.Mail, "*.eml").Select(File.ReadAllText).FirstOrDefault(m => m.Contains("To: " + agency.UserEmail, StringComparison.Ordinal))
            : null));
        Assert.Contains("Subject: Your export is ready", mail, StringComparison.Ordinal);
        output.WriteLine($"100,000 rows, {done.Bytes:N0} bytes; progress seen: {string.Join(", ", seen.Distinct())}");
    }

    [Fact]
    public async Task A_gzip_export_decompresses_to_the_same_rows()
    {
        var agency = await worker.AgencyWithBookingsAsync(5_000);
        var range = (From: new DateOnly(2026, 1, 1), To: new DateOnly(2028, 1, 1));
        var plain = await WaitFinishedAsync(await EnqueueAsync(agency, new ExportParameters(ExportDataset.Bookings, range.From, range.To)));
        var gzip = await WaitFinishedAsync(await EnqueueAsync(agency, new ExportParameters(ExportDataset.Bookings, range.From, range.To, Gzip: true)));

        Assert.EndsWith(".csv.gz", gzip.File, StringComparison.Ordinal);
        await using var file = File.OpenRead(gzip.File!);
        await using var unzip = new GZipStream(file, CompressionMode.Decompress);
        using var text = new StreamReader(unzip);
        Assert.Equal(await File.ReadAllTextAsync(plain.File!), await text.ReadToEndAsync());
        Assert.True(gzip.Bytes < plain.Bytes / 3, $"gzip {gzip.Bytes} bytes vs {plain.Bytes}");
    }

    [Fact]
    public async Task Cancelling_a_running_export_stops_it_within_two_seconds_and_leaves_no_file()
    {
        var agency = await worker.AgencyWithBookingsAsync(600_000);
        var job = await EnqueueAsync(agency, new ExportParameters(ExportDataset.Bookings, new DateOnly(2026, 1, 1), new DateOnly(2028, 1, 1), Gzip: true));
        await WorkerFixture.EventuallyAsync(async () => (await ReadAsync(job)) is { Status: "Running", RowsDone: > 0 } ? "running" : null);

        var asked = System.Diagnostics.Stopwatch.StartNew();
        await worker.ExecuteAsync("update jobs set cancel_requested = true where id = $1", job); // what the Api's cancel does
        var done = await WaitFinishedAsync(job);
        asked.Stop();

        Assert.Equal("Cancelled", done.Status);
        Assert.True(asked.Elapsed < TimeSpan.FromSeconds(2), $"took {asked.Elapsed.TotalMilliseconds:0} ms to stop");
        Assert.True(done.RowsDone < 600_000);
        Assert.Null(done.File);
        Assert.Empty(Directory.GetFiles(worker.Exports, $"*{job.ToString("N")[..8]}*"));
        output.WriteLine($"stopped {asked.Elapsed.TotalMilliseconds:0} ms after the request, at {done.RowsDone:N0} of 600,000 rows");
    }

    [Fact]
    public async Task Higher_priority_jobs_run_first_and_a_type_never_exceeds_its_concurrency()
    {
        var agency = await worker.AgencyWithBookingsAsync(20_000);
        var parameters = new StatsRebuildParameters(new DateOnly(2026, 1, 1), new DateOnly(2028, 1, 1));
        // Queued in one transaction, so the Worker sees them all at once.
        var ids = await BulkAgency.EnqueueJobsAsync(worker.DataSource, agency, [(JobTypes.StatsRebuild, parameters, 1), (JobTypes.StatsRebuild, parameters, 9)]);
        var (low, high) = (ids[0], ids[1]);

        await WaitFinishedAsync(high);
        await WaitFinishedAsync(low);
        var started = await worker.ScalarAsync<bool>("select (select started_at from jobs where id = $1) <= (select started_at from jobs where id = $2)", high, low);
        Assert.True(started, "the priority 9 job started after the priority 1 job");
        // stats-rebuild runs one at a time: the second started only after the first finished.
        Assert.True(await worker.ScalarAsync<bool>("select (select finished_at from jobs where id = $1) <= (select started_at from jobs where id = $2)", high, low));
        Assert.True(await worker.ScalarAsync<long>("select count(*) from daily_stats where property_id = $1", agency.PropertyId) >= 700);
    }

    [Fact]
    public async Task A_job_whose_cleanup_fails_gives_its_slot_back_to_the_next_job_of_its_type()
    {
        var agency = await worker.AgencyWithBookingsAsync(1);
        // The type runs one at a time: the second can start only if the first's slot came back.
        var failing = await BulkAgency.EnqueueJobAsync(worker.DataSource, agency, CleanupFailsHandler.JobType, new { cleanupFails = true }, priority: 9);
        try
        {
            var next = await BulkAgency.EnqueueJobAsync(worker.DataSource, agency, CleanupFailsHandler.JobType, new { }, priority: 1);

            Assert.Equal("Failed", (await WaitFinishedAsync(failing, failureExpected: true)).Status);
            Assert.Equal("Succeeded", (await WaitFinishedAsync(next)).Status);
        }
        finally
        {
            Directory.Delete(CleanupFailsHandler.UndeletablePath(failing), recursive: true);
        }
    }

    private Task<Guid> EnqueueAsync(BulkAgency.Created agency, object parameters, int priority = 5) =>
        BulkAgency.EnqueueJobAsync(worker.DataSource, agency, parameters is ExportParameters ? JobTypes.Export : JobTypes.StatsRebuild, parameters, priority);

    private async Task<JobRow> ReadAsync(Guid id)
    {
        await using var read = worker.DataSource.CreateCommand("select status, rows_done, rows_total, result_file, result_bytes, result_sha256, error, cancel_requested from jobs where id = $1");
        read.Parameters.AddWithValue(id);
        await using var reader = await read.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new JobRow(reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetBoolean(7));
    }

    private async Task<JobRow> WaitFinishedAsync(Guid id, Action<JobRow>? observe = null, bool failureExpected = false)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            var row = await ReadAsync(id);
            observe?.Invoke(row);
            if (row.Status is "Succeeded" or "Failed" or "Cancelled")
            {
                Assert.True(failureExpected || row.Status != "Failed", row.Error);
                return row;
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>A small RFC 4180 reader, independent of the Worker's row counter, to check the file.</summary>
    private static List<string[]> Csv(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        return records;
    }
}

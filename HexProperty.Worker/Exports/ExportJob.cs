using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using HexProperty.Data.Jobs;
using HexProperty.Data.Persistence;
using HexProperty.Worker.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HexProperty.Worker.Exports;

/// <summary>
/// Writes an agency's bookings, payments or properties for a date range to a CSV file (optionally gzip), streamed from
/// PostgreSQL's COPY straight to disk in 64 KB chunks: memory stays constant whatever the size. Rows are counted as
/// they pass (progress), the file is hashed as it is written (SHA-256, for the download's integrity), and it appears
/// under its final name only when complete.
/// </summary>
public sealed class ExportJob(ReadReplica reads, IOptions<ExportStorageOptions> storage) : IJobHandler
{
    public string Type => JobTypes.Export;

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var parameters = JsonSerializer.Deserialize<ExportParameters>(job.Parameters, JobTypes.Json) ?? throw new InvalidDataException("export parameters are missing");
        var (count, select) = ExportQuery.For(parameters, job.AgencyId);
        // The total (for the percentage) is counted on a second connection while the rows already stream: on 1M rows
        // the count alone takes a quarter of the COPY's time, and the export need not wait for it.
        using var stopCounting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var counting = CountAsync(count, job, stopCounting.Token);
        try
        {
            await WriteAsync(parameters, select, job, cancellationToken);
            await counting;
        }
        catch
        {
            await stopCounting.CancelAsync();
            await counting.ContinueWith(_ => { }, TaskScheduler.Default); // its own failure is not the one to report
            throw;
        }
    }

    private async Task CountAsync(string count, JobContext job, CancellationToken cancellationToken)
    {
        await using var connection = await reads.OpenConnectionAsync(cancellationToken);
        await using var total = new NpgsqlCommand(count, connection);
        total.CommandTimeout = 0;
        job.SetTotal((long)(await total.ExecuteScalarAsync(cancellationToken))!);
    }

    private async Task WriteAsync(ExportParameters parameters, string select, JobContext job, CancellationToken cancellationToken)
    {
        await using var connection = await reads.OpenConnectionAsync(cancellationToken);
        Directory.CreateDirectory(storage.Value.Path);
        var path = Path.Combine(storage.Value.Path, parameters.FileName(job.Id));
        var partial = path + ".partial";
        job.Result = new JobResultFile(partial, 0, ""); // so a failed or cancelled run deletes what it wrote
        long bytes;
        string sha256;
        await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var hashing = new HashingStream(file, hash))
            await using (var output = parameters.Gzip ? new GZipStream(hashing, CompressionLevel.Fastest, leaveOpen: true) : (Stream)hashing)
            {
                await CopyAsync(connection, select, output, job, cancellationToken);
            }

            bytes = file.Length;
            sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        File.Move(partial, path, overwrite: true);
        job.Result = new JobResultFile(path, bytes, sha256);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string select, Stream output, JobContext job, CancellationToken cancellationToken)
    {
        var counter = new CsvRowCounter();
        var chars = new char[1 << 15];
        var bytes = new byte[System.Text.Encoding.UTF8.GetMaxByteCount(chars.Length)];
        var encoder = System.Text.Encoding.UTF8.GetEncoder();
        using var copy = await connection.BeginTextExportAsync($"copy ({select}) to stdout with (format csv, header)", cancellationToken);
        try
        {
            int read;
            while ((read = await copy.ReadAsync(chars.AsMemory(), cancellationToken)) > 0)
            {
                counter.Count(chars.AsSpan(0, read));
                job.SetDone(Math.Max(0, counter.Records - 1)); // the header is not a row
                var length = encoder.GetBytes(chars.AsSpan(0, read), bytes, flush: false);
                await output.WriteAsync(bytes.AsMemory(0, length), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (copy is NpgsqlCopyTextReader reader)
        {
            await reader.CancelAsync(); // stops the server's COPY rather than reading it to the end
            throw;
        }
    }
}

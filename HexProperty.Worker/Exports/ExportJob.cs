using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using HexProperty.Data.Jobs;
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
public sealed class ExportJob(NpgsqlDataSource dataSource, IOptions<ExportStorageOptions> storage) : IJobHandler
{
    public string Type => JobTypes.Export;

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var parameters = JsonSerializer.Deserialize<ExportParameters>(job.Parameters, JobTypes.Json) ?? throw new InvalidDataException("export parameters are missing");
        var (count, select) = Query(parameters, job.AgencyId);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var total = new NpgsqlCommand(count, connection))
        {
            total.CommandTimeout = 0;
            job.SetTotal((long)(await total.ExecuteScalarAsync(cancellationToken))!);
        }

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

    /// <summary>
    /// The count and the COPY query. COPY takes no parameters, so the values are formatted here from typed values
    /// (a Guid and dates), never from text a user typed.
    /// </summary>
    internal static (string Count, string Select) Query(ExportParameters parameters, Guid agencyId)
    {
        var agency = $"'{agencyId:D}'::uuid";
        var from = $"'{parameters.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'::date";
        var to = $"'{parameters.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'::date";
        var (columns, source, filter, order) = parameters.Dataset switch
        {
            ExportDataset.Bookings => (
                "b.reference, b.status, p.name as property, u.name as unit, b.check_in, b.check_out, b.guests, g.full_name as guest, g.email as guest_email, b.total, b.currency, b.source, b.created_at, b.confirmed_at, b.cancelled_at",
                "bookings b join properties p on p.id = b.property_id join units u on u.id = b.unit_id join guests g on g.id = b.guest_id",
                $"b.agency_id = {agency} and b.check_in >= {from} and b.check_in < {to}",
                "b.check_in, b.id"),
            ExportDataset.Payments => (
                "p.id, b.reference, p.amount, p.currency, p.method, p.status, p.card_last4, coalesce(r.amount, 0) as refunded, p.created_at",
                "payments p join bookings b on b.id = p.booking_id left join refunds r on r.payment_id = p.id",
                $"p.agency_id = {agency} and p.created_at >= {from}::timestamp at time zone 'UTC' and p.created_at < {to}::timestamp at time zone 'UTC'",
                "p.created_at, p.id"),
            ExportDataset.Properties => (
                "p.id, p.name, p.type, p.city, p.country, p.status, p.cancellation_policy, p.currency, (select count(*) from units u where u.property_id = p.id and u.active) as units, p.created_at",
                "properties p",
                $"p.agency_id = {agency} and p.created_at >= {from}::timestamp at time zone 'UTC' and p.created_at < {to}::timestamp at time zone 'UTC'",
                "p.name, p.id"),
            _ => throw new InvalidDataException($"unknown dataset {parameters.Dataset}"),
        };
        return ($"select count(*) from {source} where {filter}", $"select {columns} from {source} where {filter} order by {order}");
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using HexProperty.Caching;
using HexProperty.Data.Caching;
using HexProperty.Data.Photos;
using HexProperty.Worker.Jobs;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using NetVips;
using Npgsql;

namespace HexProperty.Worker.Photos;

/// <summary>
/// Makes the images of uploaded photos (PhotoImages): claims the oldest photo still processing, under a lease (a photo
/// whose Worker died is claimed again when the lease ends, at most <see cref="PhotoOptions.MaxAttempts"/> times), stores
/// its WebP images by the original's hash (a picture already made is not made again), marks it ready, drops the
/// original, and refreshes the property's photo list and its cached pages, all in one transaction. A file libvips
/// cannot decode fails the photo with the reason, for staff to see.
/// </summary>
public sealed partial class PhotoWorker(
    NpgsqlDataSource dataSource, HybridCache cache, IOptions<PhotoOptions> options, TimeProvider time, IMeterFactory meters, ILogger<PhotoWorker> logger)
    : BackgroundService
{
    public const string MeterName = "HexProperty.Worker.Photos";

    private readonly PhotoOptions _options = options.Value;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Histogram<double> _duration = meters.Create(MeterName).CreateHistogram<double>(
        "hexproperty.photos.processing.duration", "s", "From claiming a photo to its images stored, by outcome (ready, failed).");
    private readonly Counter<long> _bytes = meters.Create(MeterName).CreateCounter<long>(
        "hexproperty.photos.bytes", "By", "Bytes of originals processed (kind=original) and of the images made from them (kind=images).");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listening = ChannelWake.ListenAsync(dataSource, PhotoImages.QueuedChannel, _wake, _options.PollInterval, stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    while (await ProcessOneAsync(stoppingToken))
                    {
                    }
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    LogDatabaseUnavailable(e.Message);
                }

                await _wake.WaitAsync(_options.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        finally
        {
            await listening;
        }
    }

    /// <summary>Processes the oldest photo waiting, if any; false when none waits.</summary>
    public async Task<bool> ProcessOneAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        Guid id, propertyId;
        byte[]? original;
        string sha256;
        int attempts;
        await using (var claim = dataSource.CreateCommand("""
            update photos set claimed_at = $1, attempts = attempts + 1
            where id = (select id from photos where status = 'Processing' and (claimed_at is null or claimed_at < $2)
                        order by created_at limit 1 for update skip locked)
            returning id, property_id, original, sha256, attempts
            """))
        {
            claim.Parameters.AddWithValue(now);
            claim.Parameters.AddWithValue(now - _options.Lease);
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return false;
            }

            (id, propertyId, original, sha256, attempts) = (reader.GetGuid(0), reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2),
                reader.GetString(3), reader.GetInt32(4));
        }

        var started = time.GetTimestamp();
        if (attempts > _options.MaxAttempts || original is null)
        {
            await FailAsync(id, $"gave up after {attempts - 1} attempts", started);
            return true;
        }

        IReadOnlyList<PhotoVariant>? images = null;
        int width = 0, height = 0;
        if (!await ImagesExistAsync(sha256, cancellationToken))
        {
            try
            {
                (width, height, _) = PhotoImages.Inspect(original);
                images = await Task.Run(() => PhotoImages.Make(original, cancellationToken), cancellationToken);
            }
            catch (VipsException e)
            {
                LogUnreadable(id, e.Message);
                await FailAsync(id, "could not be read as a photo", started);
                return true;
            }
        }

        PropertyPlace? place;
        await using (var connection = await dataSource.OpenConnectionAsync(CancellationToken.None))
        await using (var transaction = await connection.BeginTransactionAsync(CancellationToken.None))
        {
            if (images is not null)
            {
                await PropertyPhotos.StoreImagesAsync(connection, transaction, sha256, original.Length, width, height, images);
            }

            await using (var ready = new NpgsqlCommand(
                "update photos set status = 'Ready', original = null, error = null, claimed_at = null where id = $1 and status = 'Processing'", connection, transaction))
            {
                ready.Parameters.AddWithValue(id);
                await ready.ExecuteNonQueryAsync(CancellationToken.None);
            }

            place = await PropertyPhotos.RefreshAsync(connection, propertyId, CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }

        if (place is not null)
        {
            await cache.InvalidateAfterWriteAsync(CacheTags.PropertyChanged(propertyId, (place.City, place.Country)));
        }

        var seconds = time.GetElapsedTime(started).TotalSeconds;
        _duration.Record(seconds, new KeyValuePair<string, object?>("outcome", "ready"));
        _bytes.Add(original.Length, new KeyValuePair<string, object?>("kind", "original"));
        _bytes.Add(images?.Sum(i => (long)i.Bytes.Length) ?? 0, new KeyValuePair<string, object?>("kind", "images"));
        LogReady(id, original.Length, images?.Sum(i => i.Bytes.Length) ?? 0, seconds * 1000);
        return true;
    }

    private async Task<bool> ImagesExistAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var exists = dataSource.CreateCommand("select exists (select 1 from images where sha256 = $1)");
        exists.Parameters.AddWithValue(sha256);
        return (bool)(await exists.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task FailAsync(Guid id, string error, long started)
    {
        await using var fail = dataSource.CreateCommand("update photos set status = 'Failed', original = null, error = $2, claimed_at = null where id = $1 and status = 'Processing'");
        fail.Parameters.AddWithValue(id);
        fail.Parameters.AddWithValue(error);
        await fail.ExecuteNonQueryAsync(CancellationToken.None);
        _duration.Record(time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("outcome", "failed"));
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Photo {PhotoId} ready: {OriginalBytes} bytes became {ImageBytes} bytes of images in {Milliseconds:F0} ms")]
    private partial void LogReady(Guid photoId, int originalBytes, int imageBytes, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Photo {PhotoId} could not be decoded: {Reason}")]
    private partial void LogUnreadable(Guid photoId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Photos wait: the database is unavailable ({Reason})")]
    private partial void LogDatabaseUnavailable(string reason);
}

/// <summary>How the Worker makes photos' images (section Photos).</summary>
public sealed class PhotoOptions
{
    /// <summary>How long a claimed photo is the claiming Worker's before another may take it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    public int MaxAttempts { get; set; } = 3;

    /// <summary>How often to look for waiting photos when no signal came (a lost LISTEN connection).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

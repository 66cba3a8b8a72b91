using HexProperty.Data.Photos;
using HexProperty.Worker.Photos;
using Microsoft.Extensions.DependencyInjection;

namespace HexProperty.Worker.Tests;

/// <summary>Photos as the Worker processes them: uploaded rows the Api writes become WebP images every replica reads.</summary>
[Collection(WorkerCollection.Name)]
public sealed class PhotoTests(WorkerFixture worker)
{
    /// <summary>A photo row as the Api writes it for an upload, and the signal it sends when it commits.</summary>
    private async Task<Guid> UploadAsync(Guid agency, Guid property, byte[] original, DateTimeOffset? claimedAt = null)
    {
        var id = Guid.CreateVersion7();
        await worker.ExecuteAsync("""
            insert into photos (id, agency_id, property_id, position, status, original, original_bytes, sha256, claimed_at, attempts, created_at)
            values ($1, $2, $3, (select count(*) from photos where property_id = $3), 'Processing', $4, $5, $6, $7::timestamptz, case when $7::timestamptz is null then 0 else 1 end, now())
            """, id, agency, property, original, original.Length, PhotoImages.Sha256(original), (object?)claimedAt ?? DBNull.Value);
        await worker.ExecuteAsync($"select pg_notify('{PhotoImages.QueuedChannel}', '')");
        return id;
    }

    private Task UntilStatusAsync(Guid photo, string status) => worker.UntilAsync("select status = $2 from photos where id = $1", photo, status);

    [Fact]
    public async Task An_upload_becomes_three_WebP_images_in_a_3_by_2_frame_and_the_property_lists_it_once_ready()
    {
        var agency = await worker.AgencyWithBookingsAsync(0);
        var original = PhotoImages.Generate(seed: 41, width: 2400, grain: 8);
        var sha = PhotoImages.Sha256(original);

        var photo = await UploadAsync(agency.AgencyId, agency.PropertyId, original);
        await UntilStatusAsync(photo, "Ready");

        var sizes = new List<(int Width, int Height, byte[] Bytes)>();
        await using (var read = worker.DataSource.CreateCommand("select width, height, bytes from image_variants where sha256 = $1 order by width"))
        {
            read.Parameters.AddWithValue(sha);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                sizes.Add((reader.GetInt32(0), reader.GetInt32(1), reader.GetFieldValue<byte[]>(2)));
            }
        }

        Assert.Equal([(320, 213), (640, 426), (1280, 853)], sizes.Select(s => (s.Width, s.Height)));
        foreach (var (width, height, bytes) in sizes)
        {
            Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
            Assert.Equal("WEBP", System.Text.Encoding.ASCII.GetString(bytes, 8, 4));
            using var decoded = NetVips.Image.NewFromBuffer(bytes);
            Assert.Equal((width, height), (decoded.Width, decoded.Height));
        }

        Assert.True(sizes.Sum(s => s.Bytes.Length) < original.Length / 10, $"{sizes.Sum(s => s.Bytes.Length)} bytes of images from {original.Length}");
        Assert.True(await worker.ScalarAsync<bool>("select original is null from photos where id = $1", photo));
        Assert.Equal([sha], await worker.ScalarAsync<string[]>("select photos from properties where id = $1", agency.PropertyId));
    }

    [Fact]
    public async Task The_same_picture_on_another_property_is_made_once_and_a_file_that_cannot_be_decoded_fails_with_its_reason()
    {
        var first = await worker.AgencyWithBookingsAsync(0);
        var second = await worker.AgencyWithBookingsAsync(0);
        var original = PhotoImages.Generate(seed: 42);
        await UntilStatusAsync(await UploadAsync(first.AgencyId, first.PropertyId, original), "Ready");
        var again = await UploadAsync(second.AgencyId, second.PropertyId, original);
        // A PNG whose data is scrambled past its header: libvips refuses its chunks. (A JPEG cut short is not this case:
        // libvips decodes what is there and fills the rest, as a browser shows it.)
        using var decoded = NetVips.Image.NewFromBuffer(original);
        var png = decoded.PngsaveBuffer();
        for (var i = 200; i < png.Length - 20; i++)
        {
            png[i] ^= 0x5a;
        }

        var broken = await UploadAsync(second.AgencyId, second.PropertyId, png);

        await UntilStatusAsync(again, "Ready");
        await UntilStatusAsync(broken, "Failed");
        Assert.Equal(3L, await worker.ScalarAsync<long>("select count(*) from image_variants where sha256 = $1", PhotoImages.Sha256(original)));
        Assert.Equal("could not be read as a photo", await worker.ScalarAsync<string>("select error from photos where id = $1", broken));
        Assert.Equal([PhotoImages.Sha256(original)], await worker.ScalarAsync<string[]>("select photos from properties where id = $1", second.PropertyId));
    }

    [Fact]
    public async Task A_photo_claimed_by_a_Worker_is_left_to_it_until_its_lease_ends_and_then_processed()
    {
        var agency = await worker.AgencyWithBookingsAsync(0);
        var photos = worker.Worker.Services.GetRequiredService<PhotoWorker>();
        var photo = await UploadAsync(agency.AgencyId, agency.PropertyId, PhotoImages.Generate(seed: 43), claimedAt: DateTimeOffset.UtcNow);

        // Another Worker holds it: nothing here takes it.
        Assert.False(await photos.ProcessOneAsync(CancellationToken.None));
        Assert.Equal("Processing", await worker.ScalarAsync<string>("select status from photos where id = $1", photo));

        // That Worker died: its lease ends, and the photo is made here.
        await worker.ExecuteAsync("update photos set claimed_at = now() - interval '3 minutes' where id = $1", photo);
        await worker.ExecuteAsync($"select pg_notify('{PhotoImages.QueuedChannel}', '')");
        await UntilStatusAsync(photo, "Ready");
        Assert.Equal(2, await worker.ScalarAsync<int>("select attempts from photos where id = $1", photo));
    }
}

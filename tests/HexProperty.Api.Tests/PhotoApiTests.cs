using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HexProperty.Data.Model;
using HexProperty.Data.Photos;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HexProperty.Api.Tests;

/// <summary>
/// Property photos through the Api: uploads checked by what the bytes are, one photo per picture and property however
/// many callers race, images served by their content's hash with an immutable cache lifetime, and the property's list
/// (search, the property page) following the photos as they become ready or are removed. The Worker's part (making the
/// images) is HexProperty.Worker.Tests' PhotoTests; here the images it would store are stored by the same code.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PhotoApiTests(ApiFixture api)
{
    private const string Svg = "<svg xmlns='http://www.w3.org/2000/svg' width='900' height='600'/>";
    private const string Pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF";

    /// <summary>A generated photo as an upload's body (a JPEG of 480 × 320 unless said otherwise).</summary>
    public static ByteArrayContent Jpeg(int seed, int width = 480) => Body(PhotoImages.Generate(seed, width), "image/jpeg");

    private static ByteArrayContent Body(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    /// <summary>What the Worker does when it has made a photo's images (PhotoWorker), with the same code.</summary>
    private async Task MakeImagesAsync(Guid photo, byte[] original)
    {
        await using var data = NpgsqlDataSource.Create(api.DatabaseConnectionString);
        await using var connection = await data.OpenConnectionAsync();
        var (width, height, _) = PhotoImages.Inspect(original);
        await PropertyPhotos.StoreImagesAsync(connection, null, PhotoImages.Sha256(original), original.Length, width, height, PhotoImages.Make(original));
        await using (var ready = new NpgsqlCommand("update photos set status = 'Ready', original = null where id = $1 returning property_id", connection))
        {
            ready.Parameters.AddWithValue(photo);
            await PropertyPhotos.RefreshAsync(connection, (Guid)(await ready.ExecuteScalarAsync())!, CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_upload_waits_for_its_images_then_is_served_for_good_listed_by_the_property_and_gone_when_removed()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (property, _) = await staff.CreateBookableUnitAsync();
        var original = PhotoImages.Generate(11, 800);
        var sha = PhotoImages.Sha256(original);

        var uploaded = await staff.Client.PostAsync($"/api/staff/properties/{property}/photos", Body(original, "image/jpeg"));
        var photo = await uploaded.BodyAsync();
        var again = await staff.Client.PostAsync($"/api/staff/properties/{property}/photos", Body(original, "image/jpeg"));

        Assert.Equal(HttpStatusCode.Accepted, uploaded.StatusCode);
        Assert.Equal("Processing", (string?)photo["status"]);
        Assert.Equal(sha, (string?)photo["sha256"]);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode); // the same picture is the photo it already is
        Assert.Equal((string?)photo["id"], (string?)(await again.BodyAsync())["id"]);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client().GetAsync($"/api/photos/{sha}/640.webp")).StatusCode);
        Assert.Empty((await (await api.Client().GetAsync($"/api/properties/{property}")).BodyAsync())["photos"]!.AsArray());

        await MakeImagesAsync((Guid)photo["id"]!, original);
        await api.Api.Services.GetRequiredService<Microsoft.Extensions.Caching.Hybrid.HybridCache>()
            .RemoveByTagAsync(HexProperty.Data.Caching.CacheTags.Property(property)); // as the Worker does after it

        using var image = await api.Client().GetAsync($"/api/photos/{sha}/640.webp");
        var bytes = await image.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/webp", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", image.Headers.CacheControl?.ToString());
        Assert.NotNull(image.Headers.ETag);
        Assert.Equal("WEBP", Encoding.ASCII.GetString(bytes, 8, 4));
        Assert.Equal([sha], (await (await api.Client().GetAsync($"/api/properties/{property}")).BodyAsync())["photos"]!.AsArray().Select(p => (string)p!));
        Assert.Equal("Ready", (string?)(await (await staff.Client.GetAsync($"/api/staff/properties/{property}/photos")).BodyAsync())[0]!["status"]);

        Assert.Equal(HttpStatusCode.NoContent, (await staff.Client.DeleteAsync($"/api/staff/photos/{photo["id"]}")).StatusCode);
        Assert.Empty((await (await api.Client().GetAsync($"/api/properties/{property}")).BodyAsync())["photos"]!.AsArray());
        Assert.Empty((await (await staff.Client.GetAsync($"/api/staff/properties/{property}/photos")).BodyAsync()).AsArray());
    }

    [Fact]
    public async Task What_is_not_a_photo_is_refused_naming_the_file_and_bad_image_addresses_name_their_part()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (property, _) = await staff.CreateBookableUnitAsync();
        var agent = await staff.AddStaffAsync(StaffRole.Agent);
        using var tiny = NetVips.Image.Black(200, 120);
        (string Name, HttpContent Body, int Status, string? Field)[] uploads =
        [
            ("empty", Body([], "image/jpeg"), 400, "file"),
            ("text", Body(Encoding.UTF8.GetBytes("not a photo at all"), "image/jpeg"), 400, "file"),
            ("svg", Body(Encoding.UTF8.GetBytes(Svg), "image/svg+xml"), 415, null),
            ("svg sent as a JPEG", Body(Encoding.UTF8.GetBytes(Svg), "image/jpeg"), 400, "file"),
            ("pdf", Body(Encoding.ASCII.GetBytes(Pdf), "application/pdf"), 415, null),
            ("pdf sent as a PNG", Body(Encoding.ASCII.GetBytes(Pdf), "image/png"), 400, "file"),
            ("thumbnail", Body(tiny.PngsaveBuffer(), "image/png"), 400, "file"),
            ("over 15 MB", Body(new byte[PhotoImages.MaxBytes + 2], "image/jpeg"), 400, "file"),
        ];
        foreach (var (name, body, status, field) in uploads)
        {
            using var response = await staff.Client.PostAsync($"/api/staff/properties/{property}/photos", body);
            var problem = await response.BodyAsync();
            Assert.True(status == (int)response.StatusCode, $"{name}: {(int)response.StatusCode} {problem}");
            if (field is not null)
            {
                Assert.True(problem["errors"]?[field] is not null, $"{name}: {problem}");
            }
        }

        Assert.Equal(HttpStatusCode.NotFound, (await staff.Client.PostAsync($"/api/staff/properties/{Guid.NewGuid()}/photos", Jpeg(1))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync($"/api/staff/properties/{property}/photos", Jpeg(1))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Client().PostAsync($"/api/staff/properties/{property}/photos", Jpeg(1))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.Client.DeleteAsync($"/api/staff/photos/{Guid.NewGuid()}")).StatusCode);
        Assert.Empty((await (await staff.Client.GetAsync($"/api/staff/properties/{property}/photos")).BodyAsync()).AsArray());

        var sha = new string('a', 64);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client().GetAsync($"/api/photos/{sha}/320.webp")).StatusCode);
        var badSha = await (await api.Client().GetAsync("/api/photos/NOT-A-HASH/320.webp")).BodyAsync();
        Assert.NotNull(badSha["errors"]!["sha256"]);
        var badWidth = await (await api.Client().GetAsync($"/api/photos/{sha}/333.webp")).BodyAsync();
        Assert.NotNull(badWidth["errors"]!["width"]);
    }

    [Fact]
    public async Task Racing_uploads_make_one_photo_per_picture_in_distinct_places_and_stop_at_the_limit()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (property, _) = await staff.CreateBookableUnitAsync();
        var same = PhotoImages.Generate(21, 480);

        // Eight callers send the same picture at once: one photo.
        var sameAnswers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            staff.Client.PostAsync($"/api/staff/properties/{property}/photos", Body(same, "image/jpeg"))));
        Assert.All(sameAnswers, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, r.StatusCode.ToString()));
        Assert.Single(sameAnswers, r => r.StatusCode == HttpStatusCode.Accepted);

        // Different pictures at once, up to the limit: each gets a place of its own, and the one over it is refused.
        var pictures = Enumerable.Range(100, Apis.Staff.StaffPhotosApi.MaxPerProperty).Select(seed => PhotoImages.Generate(seed, 480)).ToList();
        var answers = await Task.WhenAll(pictures.Select(p => staff.Client.PostAsync($"/api/staff/properties/{property}/photos", Body(p, "image/jpeg"))));
        Assert.Equal(Apis.Staff.StaffPhotosApi.MaxPerProperty - 1, answers.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        var refused = Assert.Single(answers, r => r.StatusCode == HttpStatusCode.Conflict);
        Assert.EndsWith("too-many-photos", (string?)(await refused.BodyAsync())["type"], StringComparison.Ordinal);

        var listed = (await (await staff.Client.GetAsync($"/api/staff/properties/{property}/photos")).BodyAsync()).AsArray();
        Assert.Equal(Apis.Staff.StaffPhotosApi.MaxPerProperty, listed.Count);
        Assert.Equal(Enumerable.Range(0, listed.Count), listed.Select(p => (int)p!["position"]!).Order());
        Assert.Equal(listed.Count, listed.Select(p => (string)p!["sha256"]!).Distinct().Count());
    }
}

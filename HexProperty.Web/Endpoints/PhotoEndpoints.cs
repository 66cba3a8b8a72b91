using HexProperty.Web.Api;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace HexProperty.Web.Endpoints;

/// <summary>
/// Photos through the site: the images (from the Api, which keeps them in the database every replica reads), and the
/// staff's upload and removal forms. The upload form works as a plain multipart post; with script, upload.js sends the
/// same form with a progress bar and asks for JSON back.
/// </summary>
public static class PhotoEndpoints
{
    /// <summary>Files one upload may carry.</summary>
    public const int MaxFilesPerUpload = 10;

    /// <summary>The Api's largest photo (PhotoImages.MaxBytes): a larger file is refused here, before it is sent on.</summary>
    public const int MaxFileBytes = 15 * 1024 * 1024;

    /// <summary>How long an upload's answer waits for the Worker to make the images before showing the page anyway.</summary>
    public static readonly TimeSpan ImagesWait = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapPhotoEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/photos/{sha256}/{width:int}.webp", ImageAsync);
        app.MapPost("/staff/properties/{id:guid}/photos", UploadAsync).RequireAuthorization()
            .WithMetadata(new RequireAntiforgeryTokenAttribute(), new RequestSizeLimitAttribute((long)MaxFilesPerUpload * MaxFileBytes + 1024 * 1024));
        app.MapPost("/staff/photos/{id:guid}/delete", DeleteAsync).RequireAuthorization().WithMetadata(new RequireAntiforgeryTokenAttribute());
        return app;
    }

    /// <summary>Streams one image from the Api with its immutable cache headers.</summary>
    private static async Task ImageAsync(string sha256, int width, HttpContext http, HexApiClient api, CancellationToken ct)
    {
        using var response = await api.PhotoImageAsync(sha256, width, ct);
        http.Response.StatusCode = (int)response.StatusCode;
        http.Response.ContentType = response.Content.Headers.ContentType?.ToString();
        http.Response.ContentLength = response.Content.Headers.ContentLength;
        if (response.Headers.CacheControl is { } cache)
        {
            http.Response.Headers.CacheControl = cache.ToString();
        }

        if (response.Headers.ETag is { } tag)
        {
            http.Response.Headers.ETag = tag.ToString();
        }

        await response.Content.CopyToAsync(http.Response.Body, ct);
    }

    private static async Task<IResult> UploadAsync(Guid id, HttpRequest request, HexApiClient api, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var problems = new List<string>();
        var uploaded = 0;
        if (form.Files.Count == 0)
        {
            problems.Add("Choose one or more photos first.");
        }
        else if (form.Files.Count > MaxFilesPerUpload)
        {
            problems.Add($"Send at most {MaxFilesPerUpload} photos at a time.");
        }
        else
        {
            foreach (var file in form.Files)
            {
                if (file.Length > MaxFileBytes)
                {
                    problems.Add($"{file.FileName}: must be at most {MaxFileBytes / 1024 / 1024} MB");
                    continue;
                }

                using var bytes = new MemoryStream((int)file.Length);
                await file.CopyToAsync(bytes, ct);
                var result = await api.UploadPhotoAsync(id, bytes.ToArray(), file.ContentType, ct);
                if (result.Problem is { } problem)
                {
                    problems.Add($"{file.FileName}: {Reason(problem)}");
                }
                else
                {
                    uploaded++;
                }
            }
        }

        // The images take a moment (PhotoWorker): the answer waits for them, up to a limit, so the page shown next has them.
        await WaitForImagesAsync(api, id, ct);
        var back = $"/staff/properties/{id}" + HexApiClient.Query(new Dictionary<string, string?>
        {
            ["photos"] = uploaded.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["photoProblem"] = problems.Count == 0 ? null : string.Join(" ", problems),
        }) + "#photos";
        return request.Headers.Accept.ToString().Contains("application/json", StringComparison.Ordinal)
            ? TypedResults.Json(new { uploaded, problems, next = back })
            : TypedResults.Redirect(back);
    }

    private static async Task<IResult> DeleteAsync(Guid id, [FromForm] Guid property, HexApiClient api, CancellationToken ct)
    {
        var result = await api.DeletePhotoAsync(id, ct);
        return TypedResults.Redirect($"/staff/properties/{property}" + (result.Problem is { } problem
            ? HexApiClient.Query(new Dictionary<string, string?> { ["photoProblem"] = Reason(problem) })
            : "") + "#photos");
    }

    private static async Task WaitForImagesAsync(HexApiClient api, Guid property, CancellationToken ct)
    {
        var until = DateTimeOffset.UtcNow + ImagesWait;
        while (DateTimeOffset.UtcNow < until && (await api.PhotosAsync(property, ct)).Value is { } photos && photos.Any(p => p.Status == "Processing"))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
    }

    private static string Reason(ApiProblem problem) =>
        problem.Errors.Count > 0 ? string.Join("; ", problem.Errors.SelectMany(e => e.Value)) : problem.Detail ?? problem.Title;
}

using System.Security.Claims;
using HexProperty.Api.Contracts;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Caching;
using HexProperty.Data.Caching;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using HexProperty.Data.Photos;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Npgsql;

namespace HexProperty.Api.Apis.Staff;

/// <summary>
/// Property photos: staff upload an original (the request body, a JPEG, PNG, WebP or HEIC photo), which the Worker
/// turns into WebP images (PhotoWorker); anyone reads those by their content's hash, cached for good. The order of a
/// property's photos is the order of upload; the first is the one search shows.
/// </summary>
public static class StaffPhotosApi
{
    /// <summary>Photos a property may have at once.</summary>
    public const int MaxPerProperty = 30;

    public static IEndpointRouteBuilder MapStaffPhotosApi(this IEndpointRouteBuilder app)
    {
        var staff = app.MapGroup("/api/staff").WithTags("Staff catalogue").RequireAuthorization(StaffPolicies.Staff);
        staff.MapGet("/properties/{id:guid}/photos", ListAsync).WithName("ListPhotos")
            .WithSummary("A property's photos in order, with the state of each (processing, ready, failed).");
        staff.MapPost("/properties/{id:guid}/photos", UploadAsync).RequireAuthorization(StaffPolicies.Catalogue).WithName("UploadPhoto")
            .Accepts<IFormFile>("image/jpeg", "image/png", "image/webp", "image/heic")
            .WithMetadata(new RequestSizeLimitAttribute(PhotoImages.MaxBytes + 1))
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Adds a photo (the body is the image file); its images are made in the background.");
        staff.MapDelete("/photos/{id:guid}", DeleteAsync).RequireAuthorization(StaffPolicies.Catalogue).WithName("DeletePhoto")
            .WithSummary("Removes a photo from its property.");
        app.MapGet("/api/photos/{sha256}/{width:int}.webp", ImageAsync).WithTags("Guests").WithName("GetPhotoImage").AllowAnonymous()
            .Produces(StatusCodes.Status200OK, contentType: "image/webp")
            .WithSummary("One WebP image of a photo, by its original's SHA-256 and a width of " + string.Join(", ", PhotoImages.Widths) + "; cached for good.");
        return app;
    }

    public static async Task<Results<Ok<List<PhotoView>>, ProblemHttpResult>> ListAsync(Guid id, ClaimsPrincipal user, HexDbContext db, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        if (!await db.Properties.AnyAsync(p => p.Id == id && p.AgencyId == agency, cancellationToken))
        {
            return Problems.NotFound("property with this id in your agency");
        }

        var photos = await db.Photos.AsNoTracking().Where(p => p.PropertyId == id).OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(photos.Select(PhotoView.From).ToList());
    }

    public static async Task<Results<Accepted<PhotoView>, Ok<PhotoView>, ValidationProblem, ProblemHttpResult>> UploadAsync(
        Guid id, HttpRequest request, ClaimsPrincipal user, HexDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        if (!await db.Properties.AnyAsync(p => p.Id == id && p.AgencyId == agency, cancellationToken))
        {
            return Problems.NotFound("property with this id in your agency");
        }

        if (request.ContentLength > PhotoImages.MaxBytes)
        {
            return Problems.Invalid("file", $"must be at most {PhotoImages.MaxBytes / 1024 / 1024} MB");
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        var original = body.ToArray();
        // Judged by what the bytes are, not by the name or type the client gave them.
        if (PhotoImages.Inspect(original).Problem is { } problem)
        {
            return Problems.Invalid("file", problem);
        }

        var sha256 = PhotoImages.Sha256(original);
        var existing = await db.Photos.AsNoTracking().FirstOrDefaultAsync(p => p.PropertyId == id && p.Sha256 == sha256, cancellationToken);
        if (existing is not null)
        {
            return TypedResults.Ok(PhotoView.From(existing)); // the same picture again: the photo it already is
        }

        var photo = new Photo
        {
            Id = Guid.CreateVersion7(),
            AgencyId = agency,
            PropertyId = id,
            Status = PhotoStatus.Processing,
            Original = original,
            OriginalBytes = original.Length,
            Sha256 = sha256,
            CreatedAt = time.GetUtcNow(),
        };
        var outcome = await db.Database.CreateExecutionStrategy().ExecuteAsync<(Photo? Photo, bool Full)>(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // One upload at a time per property: the count and the next position cannot race.
            await TransactionLock.AcquireAsync(db, "property-photos", id.ToString(), cancellationToken);
            var count = await db.Photos.CountAsync(p => p.PropertyId == id, cancellationToken);
            if (count >= MaxPerProperty)
            {
                return (null, true);
            }

            if (await db.Photos.AsNoTracking().FirstOrDefaultAsync(p => p.PropertyId == id && p.Sha256 == sha256, cancellationToken) is { } raced)
            {
                return (raced, false);
            }

            photo.Position = count == 0 ? 0 : await db.Photos.Where(p => p.PropertyId == id).MaxAsync(p => p.Position, cancellationToken) + 1;
            db.Photos.Add(photo);
            await db.SaveChangesAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync($"select pg_notify('{PhotoImages.QueuedChannel}', '')", cancellationToken); // wakes a Worker when this commits
            await transaction.CommitAsync(cancellationToken);
            return (photo, false);
        });
        return outcome switch
        {
            { Full: true } => Problems.Conflict("too-many-photos", "Too many photos", $"A property may have at most {MaxPerProperty} photos; remove one first."),
            { Photo: { } saved } when saved.Id != photo.Id => TypedResults.Ok(PhotoView.From(saved)),
            _ => TypedResults.Accepted($"/api/staff/properties/{id}/photos", PhotoView.From(photo)),
        };
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, ClaimsPrincipal user, HexDbContext db, HybridCache cache, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var photo = await db.Photos.FirstOrDefaultAsync(p => p.Id == id && p.AgencyId == agency, cancellationToken);
        if (photo is null)
        {
            return Problems.NotFound("photo with this id in your agency");
        }

        db.Photos.Remove(photo);
        await db.SaveChangesAsync(cancellationToken);
        var places = await db.Database.SqlQueryRaw<PropertyPlace>(PropertyPhotos.RefreshSql, new NpgsqlParameter("property", photo.PropertyId)).ToListAsync(cancellationToken);
        foreach (var place in places)
        {
            await cache.InvalidateAfterWriteAsync(CacheTags.PropertyChanged(photo.PropertyId, (place.City, place.Country)));
        }

        return TypedResults.NoContent();
    }

    public static async Task<Results<FileContentHttpResult, NotFound, ValidationProblem>> ImageAsync(
        string sha256, int width, HttpContext context, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
        {
            return Problems.Invalid("sha256", "must be 64 lower-case hexadecimal digits");
        }

        if (!PhotoImages.Widths.Contains(width))
        {
            return Problems.Invalid("width", "must be one of " + string.Join(", ", PhotoImages.Widths));
        }

        await using var read = dataSource.CreateCommand("select bytes from image_variants where sha256 = $1 and width = $2");
        read.Parameters.AddWithValue(sha256);
        read.Parameters.AddWithValue(width);
        if (await read.ExecuteScalarAsync(cancellationToken) is not byte[] bytes)
        {
            return TypedResults.NotFound();
        }

        // The address names the content, so it never changes: browsers and the balancer's cache keep it for good.
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return TypedResults.File(bytes, "image/webp", entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{sha256[..16]}-{width}\""));
    }
}

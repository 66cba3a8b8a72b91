using System.Buffers.Text;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace HexProperty.Api.Infrastructure;

/// <summary>
/// A 200 JSON response that browsers and CDNs may keep: a strong ETag (a hash of the exact bytes), the given
/// Cache-Control, and 304 Not Modified without a body when the client already has these bytes (If-None-Match).
/// </summary>
public sealed class HttpCacheableJson<T>(T value, string cacheControl) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>
{
    public T Value => value;

    object? IValueHttpResult.Value => value;

    public int? StatusCode => StatusCodes.Status200OK;

    public string CacheControl => cacheControl;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var options = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var body = JsonSerializer.SerializeToUtf8Bytes(value, options.GetTypeInfo(typeof(T)));
        var etag = new EntityTagHeaderValue($"\"{Base64Url.EncodeToString(SHA256.HashData(body).AsSpan(0, 16))}\"");
        var response = httpContext.Response;
        response.Headers.ETag = etag.ToString();
        response.Headers.CacheControl = cacheControl;
        if (httpContext.Request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } known
            && known.Any(k => k.Equals(EntityTagHeaderValue.Any) || k.Compare(etag, useStrongComparison: false)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified, typeof(void)));
    }
}

/// <summary>The Cache-Control of the anonymous reads that may be kept by browsers and CDNs.</summary>
public static class HttpCaching
{
    /// <summary>A property's description changes rarely: a minute in the browser and a CDN, then revalidate by ETag.</summary>
    public const string PropertyDetails = "public, max-age=60, stale-while-revalidate=60";

    /// <summary>Availability changes with every booking; 15 s keeps a busy calendar off the origin, and a hold re-checks anyway.</summary>
    public const string Availability = "public, max-age=15";

    public static HttpCacheableJson<T> Json<T>(T value, string cacheControl) => new(value, cacheControl);
}

using System.Diagnostics;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;

namespace HexProperty.Api.Infrastructure.Idempotency;

/// <summary>
/// Idempotency-Key on the endpoints that create bookings and payments (IETF draft-ietf-httpapi-idempotency-key-header):
/// the key is required (400 without it); a repeat within 24 hours gets the first response again, byte for byte, marked
/// <c>Idempotent-Replayed: true</c>; the same key with a different request gets 422; a repeat while the first is still
/// running waits up to <see cref="InProgressWait"/> for its answer, and gets 409 only if there is none by then. Keys
/// are scoped to the caller (a staff user, or guests as one caller), so one client cannot replay another's response.
/// Stored: 2xx and 4xx answers. Not stored, so a retry runs again: 5xx, 409 (the dates or the booking changed state)
/// and 429.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IdempotencyStore store, IProblemDetailsService problems)
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeaderName = "Idempotent-Replayed";
    private const int MaxKeyLength = 255;

    /// <summary>How long a repeat waits for the first request still running. A repeat is usually a retry: the client's,
    /// or the balancer's when a replica died mid-request, and then it arrives before PostgreSQL has noticed the death
    /// and freed the dead process's lease (a few milliseconds later). Waiting lets it answer as the first would have.</summary>
    public static readonly TimeSpan InProgressWait = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan LookAgainEvery = TimeSpan.FromMilliseconds(50);

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiresIdempotencyKey>() is null)
        {
            await next(context);
            return;
        }

        var key = context.Request.Headers[HeaderName].ToString();
        if (key.Length is 0 or > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            await WriteProblemAsync(context, StatusCodes.Status400BadRequest, "The request is not valid.",
                errors: new() { [HeaderName] = [key.Length == 0 ? "is required when creating bookings and payments (a UUID is a good key)" : "must be 1 to 255 visible ASCII characters"] });
            return;
        }

        var scope = $"{Caller(context.User)}|{key}";
        var hash = await RequestHashAsync(context.Request);
        var stored = await store.ClaimAsync(scope, hash, context.RequestAborted);
        for (var waiting = Stopwatch.StartNew();
             stored is { Completed: false } && CryptographicOperations.FixedTimeEquals(stored.RequestHash, hash) && waiting.Elapsed < InProgressWait;)
        {
            await Task.Delay(LookAgainEvery, context.RequestAborted);
            stored = await store.ClaimAsync(scope, hash, context.RequestAborted);
        }

        if (stored is not null)
        {
            await AnswerFromStoredAsync(context, stored, hash);
            return;
        }

        await RunAndStoreAsync(context, scope);
    }

    private async Task RunAndStoreAsync(HttpContext context, string scope)
    {
        var original = context.Response.Body;
        using var captured = new MemoryStream();
        context.Response.Body = captured;
        try
        {
            await next(context);
        }
        catch
        {
            await store.ReleaseAsync(scope);
            throw;
        }
        finally
        {
            context.Response.Body = original;
        }

        var status = context.Response.StatusCode;
        var body = captured.ToArray();
        if (status is < 500 and not StatusCodes.Status409Conflict and not StatusCodes.Status429TooManyRequests)
        {
            await store.CompleteAsync(scope, status, context.Response.ContentType, context.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null, body, CancellationToken.None);
        }
        else
        {
            await store.ReleaseAsync(scope);
        }

        await original.WriteAsync(body, context.RequestAborted);
    }

    private async Task AnswerFromStoredAsync(HttpContext context, IdempotencyStore.Stored stored, byte[] hash)
    {
        if (!CryptographicOperations.FixedTimeEquals(stored.RequestHash, hash))
        {
            await WriteProblemAsync(context, StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused",
                detail: "This Idempotency-Key was already used with a different request. Use a new key for a new request.", type: "idempotency-key-reused");
            return;
        }

        if (!stored.Completed)
        {
            context.Response.Headers.RetryAfter = "1";
            await WriteProblemAsync(context, StatusCodes.Status409Conflict, "Request in progress",
                detail: "A request with this Idempotency-Key is still being processed. Retry in a moment to get its response.", type: "idempotency-request-in-progress");
            return;
        }

        context.Response.StatusCode = stored.StatusCode!.Value;
        context.Response.Headers[ReplayedHeaderName] = "true";
        if (stored.ContentType is not null)
        {
            context.Response.ContentType = stored.ContentType;
        }

        if (stored.Location is not null)
        {
            context.Response.Headers.Location = stored.Location;
        }

        await context.Response.Body.WriteAsync(stored.Body ?? [], context.RequestAborted);
    }

    /// <summary>Who is asking: the staff user, or the public (guests hold no account; the key itself is their secret).</summary>
    private static string Caller(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id ? $"staff:{id}" : "guest";

    /// <summary>The request's identity: method, path and query, and body; a different request under the same key differs here.</summary>
    private static async Task<byte[]> RequestHashAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var buffer = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        request.Body.Position = 0;
        return hash.GetHashAndReset();
    }

    private async Task WriteProblemAsync(HttpContext context, int status, string title, string? detail = null, string? type = null, Dictionary<string, string[]>? errors = null)
    {
        context.Response.StatusCode = status;
        var problem = errors is null
            ? new Microsoft.AspNetCore.Mvc.ProblemDetails()
            : new HttpValidationProblemDetails(errors);
        problem.Status = status;
        problem.Title = title;
        problem.Detail = detail;
        if (type is not null)
        {
            problem.Type = Problems.TypeBase + type;
        }

        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}

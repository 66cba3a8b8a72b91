using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using HexProperty.Web.Api;
using HexProperty.Web.Components.Shared;
using HexProperty.Web.Guests;
using HexProperty.Web.Staff;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HexProperty.Web.Endpoints;

/// <summary>
/// What the site serves besides pages: Server-Sent Events that stream
/// rendered fragments (a hold's countdown, an export's progress), the export download and staff sign-out.
/// </summary>
public static class SiteEndpoints
{
    /// <summary>The event that tells the browser a stream has ended (<c>hx-sse:close="done"</c>).</summary>
    public const string DoneEvent = "done";

    public static IEndpointRouteBuilder MapSiteEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sse/holds/{reference}", HoldCountdownAsync);
        app.MapGet("/staff/sse/jobs/{id:guid}", JobProgressStream).RequireAuthorization();
        app.MapGet("/staff/exports/{id:guid}/file", DownloadAsync).RequireAuthorization();
        app.MapPost("/staff/sign-out", async (HttpContext http) =>
        {
            await http.SignOutAsync(StaffClaims.Scheme);
            return TypedResults.Redirect("/staff/sign-in?signedOut=1");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());
        return app;
    }

    /// <summary>Every second, the hold's remaining time as HTML; its status is re-read from the Api every ten seconds,
    /// so a payment made in another tab or an expiry by the Worker ends the stream.</summary>
    private static Results<ServerSentEventsResult<string>, NotFound> HoldCountdownAsync(
        string reference, HttpContext http, GuestPass pass, HexApiClient api, Fragments fragments, TimeProvider time)
    {
        if (pass.EmailFor(http, reference) is not { } email)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.ServerSentEvents(Stream(http.RequestAborted));

        async IAsyncEnumerable<SseItem<string>> Stream([EnumeratorCancellation] CancellationToken ct)
        {
            var booking = (await api.LookUpAsync(reference, email, ct)).Value;
            var checkedAt = time.GetUtcNow();
            while (booking is not null)
            {
                var now = time.GetUtcNow();
                yield return new SseItem<string>(await fragments.RenderAsync<HoldCountdown>(new Dictionary<string, object?>
                {
                    [nameof(HoldCountdown.Status)] = booking.Status,
                    [nameof(HoldCountdown.ExpiresAt)] = booking.HoldExpiresAt,
                    [nameof(HoldCountdown.Now)] = now,
                }));
                if (booking.Status != "Held" || booking.HoldExpiresAt <= now || !await PauseAsync(TimeSpan.FromSeconds(1), time, ct))
                {
                    break;
                }

                if (time.GetUtcNow() - checkedAt >= TimeSpan.FromSeconds(10))
                {
                    booking = (await api.LookUpAsync(reference, email, ct)).Value ?? booking;
                    checkedAt = time.GetUtcNow();
                }
            }

            yield return new SseItem<string>("", DoneEvent);
        }
    }

    /// <summary>The export's progress bar as HTML, whenever the Api reports a change (polled every half second), until it ends.</summary>
    private static ServerSentEventsResult<string> JobProgressStream(Guid id, HttpContext http, HexApiClient api, Fragments fragments, TimeProvider time)
    {
        return TypedResults.ServerSentEvents(Stream(http.RequestAborted));

        async IAsyncEnumerable<SseItem<string>> Stream([EnumeratorCancellation] CancellationToken ct)
        {
            string? last = null;
            while (true)
            {
                var job = (await api.JobAsync(id, ct)).Value;
                if (job is null)
                {
                    break;
                }

                var html = await fragments.RenderAsync<JobProgress>(new Dictionary<string, object?> { [nameof(JobProgress.Job)] = job });
                if (html != last)
                {
                    yield return new SseItem<string>(html);
                    last = html;
                }

                if (job.Finished || !await PauseAsync(TimeSpan.FromMilliseconds(500), time, ct))
                {
                    break;
                }
            }

            yield return new SseItem<string>("", DoneEvent);
        }
    }

    private static async Task<bool> PauseAsync(TimeSpan delay, TimeProvider time, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, time, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false; // the browser left
        }
    }

    /// <summary>Streams the export file from the Api to the browser, with the Api's name, type and length.</summary>
    private static async Task DownloadAsync(Guid id, HttpContext http, HexApiClient api, CancellationToken ct)
    {
        using var response = await api.DownloadAsync(id, ct);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await ApiProblem.ReadAsync(response, ct);
            http.Response.StatusCode = (int)response.StatusCode;
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync($"{problem.Title} {problem.Detail}", ct);
            return;
        }

        http.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";
        http.Response.ContentLength = response.Content.Headers.ContentLength;
        if (response.Content.Headers.ContentDisposition is { } disposition)
        {
            http.Response.Headers.ContentDisposition = disposition.ToString();
        }

        await response.Content.CopyToAsync(http.Response.Body, ct);
    }
}

using System.Diagnostics;
using System.Net;
using HexProperty.Web.Api;
using HexProperty.Web.Components.Shared;
using HexProperty.Web.Staff;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;

namespace HexProperty.Web.Endpoints;

/// <summary>
/// What a visitor sees when a page cannot be served: a staff session the Api refused goes back to sign-in; an Api that
/// is down or failing gets a 503 page that says so and offers a retry; anything else a 500 page with the trace id to
/// quote. Never a stack trace. For an htmx request the message goes into the page's live problem area instead.
/// </summary>
public sealed class SiteExceptionHandler(ILogger<SiteExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        // Where to come back to: the same URL for a GET, the page (not the form's answer) for a POST.
        var here = http.Request.Method == HttpMethods.Get ? (http.Request.Path + http.Request.QueryString).ToString() : http.Request.Path.ToString();
        if (exception is StaffSessionExpiredException)
        {
            await http.SignOutAsync(StaffClaims.Scheme);
            Redirect(http, "/staff/sign-in?expired=1&returnUrl=" + Uri.EscapeDataString(here));
            return true;
        }

        var unavailable = exception is ApiUnavailableException;
        if (unavailable)
        {
            logger.LogWarning(exception, "The Api could not serve {Path}", http.Request.Path);
        }
        else
        {
            logger.LogError(exception, "The page {Path} failed", http.Request.Path);
        }

        http.Response.StatusCode = unavailable ? (int)HttpStatusCode.ServiceUnavailable : (int)HttpStatusCode.InternalServerError;
        if (unavailable)
        {
            http.Response.Headers.RetryAfter = "5";
        }

        var parameters = new Dictionary<string, object?>
        {
            [nameof(SiteProblem.Unavailable)] = unavailable,
            [nameof(SiteProblem.Reason)] = unavailable ? exception.Message : null,
            [nameof(SiteProblem.RetryUrl)] = here,
            [nameof(SiteProblem.TraceId)] = Activity.Current?.TraceId.ToString(),
        };
        var fragments = http.RequestServices.GetRequiredService<Fragments>();
        if (Htmx.IsRequest(http.Request))
        {
            http.Response.Headers["HX-Retarget"] = "#live-problem";
            http.Response.Headers["HX-Reswap"] = "innerHTML";
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync(await fragments.RenderAsync<SiteProblem>(parameters), cancellationToken);
            return true;
        }

        http.Response.ContentType = "text/html; charset=utf-8";
        parameters[nameof(SiteProblem.WholePage)] = true;
        await http.Response.WriteAsync(await fragments.RenderAsync<SiteProblem>(parameters), cancellationToken);
        return true;
    }

    private static void Redirect(HttpContext http, string location)
    {
        if (Htmx.IsRequest(http.Request))
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.Headers["HX-Redirect"] = location;
        }
        else
        {
            http.Response.Redirect(location);
        }
    }
}

/// <summary>The request headers htmx sends.</summary>
public static class Htmx
{
    public static bool IsRequest(HttpRequest request) => request.Headers.ContainsKey("HX-Request");
}

using System.Diagnostics;
using System.Net;
using HexProperty.Web.Api;
using HexProperty.Web.Components.Shared;
using HexProperty.Web.Staff;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Diagnostics;

namespace HexProperty.Web.Endpoints;

/// <summary>
/// What a visitor sees when a page cannot be served: a staff session the Api refused goes back to sign-in; an Api that
/// is down or failing gets a 503 page that says so and offers a retry; anything else a 500 page with the trace id to
/// quote. Never a stack trace. An enhanced navigation or form post shows the same page (Blazor swaps in whatever HTML
/// comes back, whatever its status).
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
            http.Response.Redirect("/staff/sign-in?expired=1&returnUrl=" + Uri.EscapeDataString(here));
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
        parameters[nameof(SiteProblem.WholePage)] = true;
        http.Response.ContentType = "text/html; charset=utf-8";
        await using var renderer = new HtmlRenderer(http.RequestServices, http.RequestServices.GetRequiredService<ILoggerFactory>());
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<SiteProblem>(ParameterView.FromDictionary(parameters))).ToHtmlString());
        await http.Response.WriteAsync(html, cancellationToken);
        return true;
    }
}

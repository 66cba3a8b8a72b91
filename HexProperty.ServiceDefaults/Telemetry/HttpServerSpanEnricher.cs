using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace HexProperty.ServiceDefaults.Telemetry;

/// <summary>
/// Completes ASP.NET Core 10's request span the way OpenTelemetry.Instrumentation.AspNetCore (absent here) does:
/// <c>http.route</c>, <c>http.response.status_code</c>, the name "GET /api/properties/{id}", and error status for
/// 5xx answers and unhandled exceptions. The framework sets the start-time tags itself (method, path, server).
/// Runs first in the pipeline, so it sees the final status code, even one set by the exception handler.
/// </summary>
internal sealed class HttpServerSpanEnricher : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(EnrichAsync);
        next(app);
    };

    private static async Task EnrichAsync(HttpContext context, RequestDelegate next)
    {
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
        try
        {
            await next(context);
        }
        catch (Exception e) when (activity is { IsAllDataRequested: true })
        {
            Complete(activity, context, StatusCodes.Status500InternalServerError);
            activity.SetTag("error.type", e.GetType().FullName);
            throw;
        }

        if (activity is { IsAllDataRequested: true })
        {
            Complete(activity, context, context.Response.StatusCode);
        }
    }

    internal static void Complete(Activity activity, HttpContext context, int statusCode)
    {
        // The exception handler clears the endpoint before it re-executes the pipeline; its feature keeps the original.
        var endpoint = context.GetEndpoint() ?? context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Endpoint;
        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText;
        if (route is not null)
        {
            activity.SetTag("http.route", route);
        }

        activity.DisplayName = route is null ? context.Request.Method : $"{context.Request.Method} {route}";
        activity.SetTag("http.response.status_code", statusCode);
        if (statusCode >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error);
            activity.SetTag("error.type", statusCode.ToString(CultureInfo.InvariantCulture));
        }
    }
}

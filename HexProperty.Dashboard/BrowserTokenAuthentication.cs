using System.Security.Cryptography;
using System.Text;
using HexProperty.Dashboard.Ingest;
using Microsoft.AspNetCore.Http;

namespace HexProperty.Dashboard;

/// <summary>
/// Aspire's BrowserToken mode: the AppHost prints a link with a token; opening it (<c>/login?t=</c>) sets a cookie
/// that carries a hash of the token, and every page asks for that cookie. OTLP ingest has its own key instead, and the
/// stylesheet and script are public. A page without the cookie redirects to the login form; anything else gets 401.
/// </summary>
internal sealed class BrowserTokenAuthentication(RequestDelegate next, DashboardOptions options)
{
    public const string CookieName = "hexproperty-dashboard";

    public Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path;
        if (path.StartsWithSegments("/v1") || path.StartsWithSegments("/assets") || path.StartsWithSegments("/login"))
        {
            return next(http);
        }

        if (http.Request.Cookies.TryGetValue(CookieName, out var cookie) && OtlpHttpEndpoints.KeyMatches(cookie, CookieValue(options)))
        {
            return next(http);
        }

        if (HttpMethods.IsGet(http.Request.Method) && !path.StartsWithSegments("/api"))
        {
            http.Response.Redirect("/login?returnUrl=" + Uri.EscapeDataString(path + http.Request.QueryString));
            return Task.CompletedTask;
        }

        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    /// <summary>The cookie holds a hash, so the token itself is never stored in the browser.</summary>
    public static string CookieValue(DashboardOptions options) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("hexproperty-dashboard:" + options.BrowserToken)));

    public static bool TokenMatches(string? presented, DashboardOptions options) =>
        !string.IsNullOrEmpty(presented) && OtlpHttpEndpoints.KeyMatches(presented, options.BrowserToken);

    public static void SignIn(HttpContext http, DashboardOptions options) =>
        http.Response.Cookies.Append(CookieName, CookieValue(options), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict, // a command's POST from another site never carries it
            IsEssential = true,
            Path = "/",
        });
}

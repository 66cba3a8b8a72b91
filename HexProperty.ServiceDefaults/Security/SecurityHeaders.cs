using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace HexProperty.ServiceDefaults.Security;

/// <summary>
/// The response headers every service sends, whatever it answers (a page, JSON, a problem, a file): a
/// Content-Security-Policy (the service's own; it always forbids framing, the modern X-Frame-Options), no MIME
/// sniffing, a Referrer-Policy, and a Permissions-Policy that turns off the browser features no page here uses.
/// Strict-Transport-Security is sent over HTTPS only (a browser ignores it over HTTP), for a year.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>For services that answer JSON and files only: nothing may load, nothing may frame it.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public const string PermissionsPolicy = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, string contentSecurityPolicy, string referrerPolicy = "strict-origin-when-cross-origin") =>
        app.UseSecurityHeaders(_ => contentSecurityPolicy, referrerPolicy);

    /// <summary>The same headers, with a policy that depends on the request (a service that also serves one page).</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, Func<HttpContext, string> contentSecurityPolicy, string referrerPolicy = "strict-origin-when-cross-origin") =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = contentSecurityPolicy(context);
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = referrerPolicy;
                headers["Permissions-Policy"] = PermissionsPolicy;
                if (context.Request.IsHttps)
                {
                    headers.StrictTransportSecurity = StrictTransportSecurity;
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
}

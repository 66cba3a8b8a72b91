using HexProperty.Web.Api;
using HexProperty.Web.Staff;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace HexProperty.Web.Endpoints;

/// <summary>
/// What the site serves besides pages: the export download, photos (PhotoEndpoints) and staff sign-out.
/// </summary>
public static class SiteEndpoints
{
    public static IEndpointRouteBuilder MapSiteEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/staff/exports/{id:guid}/file", DownloadAsync).RequireAuthorization();
        app.MapPhotoEndpoints();
        app.MapPost("/staff/sign-out", async (HttpContext http) =>
        {
            await http.SignOutAsync(StaffClaims.Scheme);
            return TypedResults.Redirect("/staff/sign-in?signedOut=1");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());
        return app;
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

using Scalar.AspNetCore;

namespace HexProperty.Api.Infrastructure;

/// <summary>
/// The reference UI for developers at /scalar: Scalar, reading /openapi/v1.json, with its script served by the Api
/// (nothing from a CDN). Its page needs a policy of its own: the script, the styles it injects, and calls to this Api.
/// </summary>
public static class ApiReference
{
    public const string Policy =
        "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapScalarApiReference(options => options
            .WithTitle("HexProperty Api")
            .DisableDefaultFonts() // its default fetches fonts from fonts.scalar.com; the system's fonts will do
            .AddPreferredSecuritySchemes(OpenApiContract.BearerScheme));
        return app;
    }
}

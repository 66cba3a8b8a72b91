using System.Reflection;
using System.Threading.Channels;
using HexProperty.Dashboard.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace HexProperty.Dashboard;

/// <summary>What the pages need besides themselves: signing in, the stylesheet and script, live console lines and the resource commands.</summary>
internal static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboardEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/login", (HttpContext http, DashboardOptions options, string? t, string? returnUrl) =>
        {
            if (t is null)
            {
                return Results.Content(LoginPage(returnUrl, failed: false), "text/html; charset=utf-8");
            }

            if (!BrowserTokenAuthentication.TokenMatches(t, options))
            {
                return Results.Content(LoginPage(returnUrl, failed: true), "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
            }

            BrowserTokenAuthentication.SignIn(http, options);
            return Results.Redirect(returnUrl is { } local && local.StartsWith('/') && !local.StartsWith("//", StringComparison.Ordinal) ? local : "/");
        });

        endpoints.MapGet("/assets/{file}", (string file, HttpContext http) =>
        {
            if (DashboardAssets.Find(file) is not { } asset)
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "public, max-age=31536000, immutable"; // links carry the content hash
            return Results.Bytes(asset.Content, asset.ContentType, entityTag: new EntityTagHeaderValue('"' + asset.Hash + '"'));
        });

        // Live console output: the lines already kept, then each new one, as Server-Sent Events.
        endpoints.MapGet("/api/console/{instance}", (string instance, IResourceSource resources, CancellationToken cancellationToken) =>
            TypedResults.ServerSentEvents(ConsoleLinesAsync(resources, instance, cancellationToken), eventType: "line"));

        endpoints.MapPost("/api/resources/{instance}/{command}", async (string instance, string command, IResourceSource resources, HttpContext http) =>
        {
            if (!Enum.TryParse<ResourceCommand>(command, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown command", detail: $"'{command}' is not stop, start or restart.");
            }

            var outcome = await resources.ExecuteAsync(instance, parsed, http.RequestAborted);
            if (http.Request.HasFormContentType)
            {
                // A form on the Resources page: back to it, with the outcome shown.
                return Results.Redirect("/?message=" + Uri.EscapeDataString(outcome.Message), permanent: false, preserveMethod: false);
            }

            return outcome.Succeeded
                ? Results.Ok(outcome)
                : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Command refused", detail: outcome.Message);
        }).DisableAntiforgery(); // the cookie is SameSite=Strict: no other site can send it

        return endpoints;
    }

    private static async IAsyncEnumerable<string> ConsoleLinesAsync(
        IResourceSource resources, string instance, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lines = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
        using var subscription = resources.SubscribeConsole(instance, line => lines.Writer.TryWrite(line));
        foreach (var line in resources.GetConsoleLines(instance, 1000))
        {
            yield return line;
        }

        await foreach (var line in lines.Reader.ReadAllAsync(cancellationToken))
        {
            yield return line;
        }
    }

    private static string LoginPage(string? returnUrl, bool failed) => $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Sign in · HexProperty dashboard</title>
        <link rel="stylesheet" href="{{DashboardAssets.Url("dashboard.css")}}"></head>
        <body class="login"><main>
        <h1>HexProperty dashboard</h1>
        <p>Open the link the AppHost printed at start, or paste its token (the part after <code>?t=</code>).</p>
        {{(failed ? "<p class=\"error\" role=\"alert\">That token is not this AppHost's. Check the AppHost's console for the current one: it changes with each run.</p>" : "")}}
        <form method="get" action="/login">
        <input type="hidden" name="returnUrl" value="{{System.Net.WebUtility.HtmlEncode(returnUrl ?? "/")}}">
        <label for="t">Token</label> <input id="t" name="t" type="password" autocomplete="off" required autofocus>
        <button type="submit">Sign in</button>
        </form></main></body></html>
        """;
}

/// <summary>The dashboard's stylesheet and script, embedded in the assembly and linked with a content hash.</summary>
internal static class DashboardAssets
{
    private static readonly Dictionary<string, Asset> Assets = Load();

    public sealed record Asset(byte[] Content, string ContentType, string Hash);

    public static Asset? Find(string file) => Assets.GetValueOrDefault(file);

    public static string Url(string file) => $"/assets/{file}?v={Assets[file].Hash}";

    private static Dictionary<string, Asset> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("assets/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var file = name["assets/".Length..];
            var type = file.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
            assets[file] = new Asset(content, type, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content))[..12]);
        }

        return assets;
    }
}

using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace HexProperty.Api.Infrastructure;

/// <summary>One limit: at most <see cref="PermitLimit"/> requests per <see cref="Window"/> in each partition.</summary>
public sealed class AbuseLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }
}

/// <summary>
/// Limits on what can be abused, with ASP.NET Core's rate limiter, each partitioned by client address: sign-in
/// attempts (so guessing passwords from one address is throttled without locking the account's owner out when she
/// signs in from elsewhere), token refresh, agency sign-up, booking lookups by reference and email (also per
/// reference, the target, whatever the address), holds and payments, and anonymous traffic in general. A refused
/// request is a 429 ProblemDetails with Retry-After. The limits are configuration (<c>RateLimits:{name}</c>); each Api
/// replica counts its own. The client address is the connection's, or the balancer's X-Forwarded-For when the
/// connection comes from a proxy listed in <c>ForwardedHeaders:KnownProxies</c> (loopback when none are listed).
/// </summary>
public static class AbuseLimits
{
    public const string SignIn = "sign-in";
    public const string Refresh = "refresh";
    public const string SignUp = "sign-up";
    public const string BookingLookup = "booking-lookup";
    public const string HoldsAndPayments = "holds-and-payments";
    public const string Anonymous = "anonymous";

    private static readonly string[] Policies = [SignIn, Refresh, SignUp, BookingLookup, HoldsAndPayments];

    /// <summary>Every limit's name: its configuration section is <c>RateLimits:{name}</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Policies, Anonymous];

    /// <summary>Marks an endpoint whose target (a route value) is limited too, whichever addresses the requests come from.</summary>
    public sealed record PerTarget(string Policy, string RouteValue);

    public static WebApplicationBuilder AddAbuseLimits(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        foreach (var name in Names)
        {
            services.AddOptions<AbuseLimit>(name).BindConfiguration("RateLimits:" + name)
                .Validate(l => l.PermitLimit > 0 && l.Window > TimeSpan.Zero, $"RateLimits:{name} needs a PermitLimit and a Window above zero");
        }

        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((forwarded, configuration) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = 1; // only the balancer's own entry: anything before it a client could have written
            foreach (var proxy in configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });

        services.AddRateLimiter(limiter =>
        {
            foreach (var name in Policies)
            {
                limiter.AddPolicy(name, context => Window(context, name, Address(context)));
            }

            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                // Anonymous traffic in general; signed-in staff are limited by what they may do, not by volume.
                PartitionedRateLimiter.Create<HttpContext, string>(context => context.User.Identity?.IsAuthenticated == true
                    ? RateLimitPartition.GetNoLimiter("staff")
                    : Window(context, Anonymous, Address(context))),
                // The target of a guessing attack (a booking reference), whichever addresses the guesses come from.
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    context.GetEndpoint()?.Metadata.GetMetadata<PerTarget>() is { } target && context.Request.RouteValues[target.RouteValue] is string value
                        ? Window(context, target.Policy, "target:" + value.ToUpperInvariant())
                        : RateLimitPartition.GetNoLimiter("")));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var http = rejected.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Type = Problems.TypeBase + "too-many-requests",
                        Detail = $"Too many requests of this kind from here; try again in {seconds} s.",
                    },
                });
            };
        });
        return builder;
    }

    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>The partition of <paramref name="key"/>; its limit is read from configuration only when the partition is first made.</summary>
    private static RateLimitPartition<string> Window(HttpContext context, string policy, string key) =>
        RateLimitPartition.GetFixedWindowLimiter($"{policy}|{key}", _ =>
        {
            var limit = context.RequestServices.GetRequiredService<IOptionsMonitor<AbuseLimit>>().Get(policy);
            return new FixedWindowRateLimiterOptions { PermitLimit = limit.PermitLimit, Window = limit.Window, QueueLimit = 0 };
        });
}

using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HexProperty.ServiceDefaults.Health;

/// <summary>
/// <c>/alive</c> answers whether the process serves requests at all and calls nothing; <c>/health</c> checks every
/// dependency, each within a timeout. Both answer every caller with the status code and the overall status alone:
/// which dependency failed, and why, is for an operator. A service that registers the authorization policy
/// <see cref="DetailPolicy"/> shows the callers it admits each check's status, duration, description and error;
/// everyone else reads it in the service's logs (<see cref="HealthLog"/>) and in the Aspire dashboard.
/// </summary>
public static class HealthResponses
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";

    /// <summary>Checks tagged "live" run for <c>/alive</c>; every check runs for <c>/health</c>.</summary>
    public const string LiveTag = "live";

    /// <summary>The authorization policy whose callers see each check's detail.</summary>
    public const string DetailPolicy = "health-detail";

    /// <summary>A dependency that does not answer within this time counts as unhealthy.</summary>
    public static readonly TimeSpan DefaultCheckTimeout = TimeSpan.FromSeconds(5);

    public static bool IsProbe(PathString path) => path.StartsWithSegments(HealthPath) || path.StartsWithSegments(AlivePath);

    public static IServiceCollection AddHealthCheckTimeouts(this IServiceCollection services)
    {
        services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(r => r.Timeout == Timeout.InfiniteTimeSpan))
            {
                registration.Timeout = DefaultCheckTimeout;
            }
        });
        services.AddSingleton<IHealthCheckPublisher, HealthLog>();
        return services;
    }

    public static IEndpointRouteBuilder MapHealthResponses(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = WriteAsync });
        endpoints.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(LiveTag),
            ResponseWriter = WriteAsync,
        });
        return endpoints;
    }

    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        if (!await CanSeeDetailAsync(context))
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(report.Status.ToString(), context.RequestAborted);
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteNumber("totalDurationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 1));
            if (entry.Description is { } description)
            {
                json.WriteString("description", description);
            }

            if (entry.Exception is { } exception)
            {
                json.WriteString("error", exception.Message);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    private static async Task<bool> CanSeeDetailAsync(HttpContext context)
    {
        var services = context.RequestServices;
        if (context.User.Identity?.IsAuthenticated != true
            || services.GetService<IAuthorizationPolicyProvider>() is not { } policies
            || await policies.GetPolicyAsync(DetailPolicy) is not { } policy)
        {
            return false;
        }

        return (await services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(context.User, policy)).Succeeded;
    }
}

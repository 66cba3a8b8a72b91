using System.Diagnostics;
using Microsoft.AspNetCore.Builder;

namespace HexProperty.ServiceDefaults.Telemetry;

/// <summary>
/// Requests to these endpoints (health probes, polled every few seconds) are not recorded as traces, and neither
/// is anything they call: the span is marked not-recorded, so children sampled by their parent stay out too.
/// </summary>
public static class UntracedRequests
{
    public static TBuilder WithUntracedRequests<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var next = endpoint.RequestDelegate ?? throw new InvalidOperationException($"Endpoint '{endpoint.DisplayName}' has no request delegate.");
            endpoint.RequestDelegate = context =>
            {
                Untrace(Activity.Current);
                return next(context);
            };
        });
        return builder;
    }

    internal static void Untrace(Activity? activity)
    {
        if (activity is not null)
        {
            activity.IsAllDataRequested = false;
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }
}

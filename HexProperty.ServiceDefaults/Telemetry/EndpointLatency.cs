using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace HexProperty.ServiceDefaults.Telemetry;

/// <summary>
/// Each endpoint's recent response times, read in-process from ASP.NET Core's own <c>http.server.request.duration</c>
/// histogram (meter "Microsoft.AspNetCore.Hosting"), so an operations page can show p50/p95/p99 per route without a
/// metrics backend. Keeps the last <see cref="SamplesPerEndpoint"/> requests of each method and route in a ring; counts
/// every request. Requests without a route (404s, static files) are grouped as "(no route)".
/// </summary>
public sealed class EndpointLatency : IDisposable
{
    public const string MeterName = "Microsoft.AspNetCore.Hosting";
    public const string InstrumentName = "http.server.request.duration";
    public const int SamplesPerEndpoint = 1024;
    public const int MaxEndpoints = 500;

    private readonly ConcurrentDictionary<(string Method, string Route), Samples> _endpoints = new();
    private readonly MeterListener _listener = new();

    public EndpointLatency()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName && instrument.Name == InstrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) => Record(tags, seconds));
        _listener.Start();
    }

    /// <summary>Adds one request; public so tests can feed it without a server.</summary>
    public void Record(ReadOnlySpan<KeyValuePair<string, object?>> tags, double seconds)
    {
        string method = "?", route = "(no route)";
        foreach (var tag in tags)
        {
            if (tag.Key == "http.route" && tag.Value is string r)
            {
                route = r;
            }
            else if (tag.Key == "http.request.method" && tag.Value is string m)
            {
                method = m;
            }
        }

        if (!_endpoints.TryGetValue((method, route), out var samples))
        {
            if (_endpoints.Count >= MaxEndpoints)
            {
                return;
            }

            samples = _endpoints.GetOrAdd((method, route), _ => new Samples());
        }

        samples.Add(seconds * 1000);
    }

    /// <summary>Every endpoint seen, slowest p95 first.</summary>
    public IReadOnlyList<EndpointLatencySnapshot> Snapshot() =>
        [.. _endpoints.Select(e => e.Value.Snapshot(e.Key.Method, e.Key.Route)).OrderByDescending(s => s.P95Ms)];

    /// <summary>The value below which <paramref name="quantile"/> of the sorted samples fall (nearest rank).</summary>
    public static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];

    public void Dispose() => _listener.Dispose();

    private sealed class Samples
    {
        private readonly double[] _ring = new double[SamplesPerEndpoint];
        private long _count;

        public void Add(double milliseconds)
        {
            lock (_ring)
            {
                _ring[_count % SamplesPerEndpoint] = milliseconds;
                _count++;
            }
        }

        public EndpointLatencySnapshot Snapshot(string method, string route)
        {
            double[] sorted;
            long count;
            lock (_ring)
            {
                count = _count;
                sorted = _ring[..(int)Math.Min(count, SamplesPerEndpoint)];
            }

            Array.Sort(sorted);
            return new EndpointLatencySnapshot(method, route, count, sorted.Length,
                Math.Round(Percentile(sorted, 0.50), 2), Math.Round(Percentile(sorted, 0.95), 2), Math.Round(Percentile(sorted, 0.99), 2));
        }
    }
}

/// <param name="Requests">Every request since the process started.</param>
/// <param name="Window">How many of the latest requests the percentiles are computed over.</param>
public sealed record EndpointLatencySnapshot(string Method, string Route, long Requests, int Window, double P50Ms, double P95Ms, double P99Ms);

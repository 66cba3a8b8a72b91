using System.Globalization;
using HexProperty.Dashboard.Telemetry;

namespace HexProperty.Dashboard.Alerts;

public enum AlertLevel
{
    None,
    Warning,
    Critical,
}

/// <summary>
/// One threshold over a resource's recent metrics. <see cref="Measure"/> returns null when the window holds too few
/// observations to judge (an idle service raises no error-rate alert from one failed request).
/// </summary>
public sealed record AlertRule(
    string Id,
    string Title,
    string Unit,
    double? WarningAbove,
    double? CriticalAbove,
    double? CriticalBelow,
    Func<MetricStore, string, DateTimeOffset, double?> Measure)
{
    public AlertLevel LevelOf(double value) =>
        (CriticalAbove is { } high && value > high) || (CriticalBelow is { } low && value < low) ? AlertLevel.Critical
        : WarningAbove is { } warning && value > warning ? AlertLevel.Warning
        : AlertLevel.None;

    public string Threshold => string.Join(", ", new[]
    {
        WarningAbove is { } w ? $"warning above {Format(w)}" : null,
        CriticalAbove is { } c ? $"critical above {Format(c)}" : null,
        CriticalBelow is { } b ? $"critical below {Format(b)}" : null,
    }.Where(t => t is not null));

    public string Format(double value) => Unit switch
    {
        "%" => (value * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %",
        _ => value.ToString("0.#", CultureInfo.InvariantCulture) + " " + Unit,
    };
}

/// <summary>The seeds' thresholds (seeds 002 and 004), over the instruments the services export.</summary>
public static class AlertRules
{
    public const string RequestDuration = "http.server.request.duration";
    public const string CacheLookups = "hexproperty.cache.lookups";
    public const string DatabaseDuration = "db.client.operation.duration";
    public const string WorkingSet = "dotnet.process.memory.working_set";

    private const int MinimumRequests = 10;
    private const int MinimumLookups = 50;

    public static IReadOnlyList<AlertRule> Create(Func<long> totalMemoryBytes) =>
    [
        new("response-time", "p95 response time", "ms", WarningAbove: 200, CriticalAbove: 500, CriticalBelow: null,
            (store, resource, since) => Percentile(store, resource, RequestDuration, 0.95, since, MinimumRequests) * 1000),
        new("error-rate", "server error rate (5xx)", "%", WarningAbove: 0.01, CriticalAbove: 0.05, CriticalBelow: null,
            (store, resource, since) => ErrorRate(store, resource, since)),
        new("cache-hit-ratio", "cache hit ratio", "%", WarningAbove: null, CriticalAbove: null, CriticalBelow: 0.70,
            (store, resource, since) => CacheHitRatio(store, resource, since)),
        new("database-time", "p95 database query time", "ms", WarningAbove: null, CriticalAbove: 1000, CriticalBelow: null,
            (store, resource, since) => Percentile(store, resource, DatabaseDuration, 0.95, since, 1) * 1000),
        new("memory", "working set of the machine's memory", "%", WarningAbove: null, CriticalAbove: 0.80, CriticalBelow: null,
            (store, resource, since) => store.Read(resource, WorkingSet, (_, series) =>
                series.Select(s => s.Points.Count > 0 && s.Points.Newest.Time > since ? s.Points.Newest.Value : (double?)null).Sum()) / totalMemoryBytes()),
    ];

    /// <summary>A histogram's percentile over every series' intervals since <paramref name="since"/>.</summary>
    public static double? Percentile(MetricStore store, string resource, string name, double quantile, DateTimeOffset since, int minimumCount, Func<MetricSeries, bool>? where = null) =>
        store.Read(resource, name, (instrument, series) =>
        {
            var merged = new List<ulong>();
            foreach (var point in series.Where(where ?? (_ => true)).SelectMany(s => s.Points.Items()).Where(p => p.Time > since))
            {
                HistogramMath.Add(merged, point.BucketCounts);
            }

            var count = merged.Aggregate(0UL, (a, b) => a + b);
            return count < (ulong)minimumCount ? null : HistogramMath.Percentile(instrument.Bounds, merged, quantile);
        });

    private static ulong CountSince(IEnumerable<MetricSeries> series, DateTimeOffset since) =>
        series.SelectMany(s => s.Points.Items()).Where(p => p.Time > since).Aggregate(0UL, (total, p) => total + p.Count);

    public static double? ErrorRate(MetricStore store, string resource, DateTimeOffset since) =>
        store.Read(resource, RequestDuration, (_, series) =>
        {
            var all = series.ToList();
            var total = CountSince(all, since);
            var failed = CountSince(all.Where(s => int.TryParse(s.Attribute("http.response.status_code"), out var status) && status >= 500), since);
            return total < MinimumRequests ? (double?)null : (double)failed / total;
        });

    /// <summary>Lookups answered without the factory, from either layer, over the lookups of the local layer (as CacheMetrics defines it).</summary>
    public static double? CacheHitRatio(MetricStore store, string resource, DateTimeOffset since) =>
        store.Read(resource, CacheLookups, (_, series) =>
        {
            double Delta(Func<MetricSeries, bool> where) => series.Where(where).SelectMany(s => s.Points.Items()).Where(p => p.Time > since).Sum(p => p.Delta);
            var lookups = Delta(s => s.Attribute("cache.layer") == "local");
            var hits = Delta(s => s.Attribute("cache.result") == "hit");
            return lookups < MinimumLookups ? (double?)null : hits / lookups;
        });
}

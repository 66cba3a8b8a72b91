using System.Globalization;
using System.Text.Json;
using HexProperty.Api.Contracts;

namespace HexProperty.Api.Monitoring;

/// <summary>
/// Reads the operations page's figures from Prometheus (<c>http://prometheus</c> through service discovery: the AppHost
/// gives the Api its address): the recording rules of <c>HexProperty.AppHost/monitoring/hexproperty.rules.yml</c>
/// over the last hour, and each endpoint's figures now. Prometheus being down or absent is an answer ("unavailable,
/// because..."), never an error of the page.
/// </summary>
public sealed class PrometheusReader(HttpClient http, IConfiguration configuration, TimeProvider time)
{
    public const string ClientName = "prometheus";

    public static readonly TimeSpan Range = TimeSpan.FromHours(1);

    public static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>The charts: id, title, unit, query, and the labels whose values name a series.</summary>
    private static readonly (string Id, string Title, string Unit, string Query, string[] NameLabels)[] Charts =
    [
        ("latency-p95", "p95 response time, the 8 slowest endpoints", "s", "topk(8, route:http_server_request_duration_seconds:p95_1m)", ["job", "http_request_method", "http_route"]),
        ("error-ratio", "Share of requests failing with a 5xx, per service", "ratio", "job:http_server_error_ratio:rate1m", ["job"]),
        ("requests", "Requests per second, per service", "1/s", "job:http_server_requests:rate1m", ["job"]),
        ("cache-hit-ratio", "Cache hit ratio per profile (5 min)", "ratio", "profile:hexproperty_cache_hit_ratio:rate5m", ["cache_profile"]),
        ("database-p95", "Database command p95, per service", "s", "job:db_client_operation_duration_seconds:p95_1m", ["job"]),
        ("queue-depth", "Messages waiting per queue", "messages", "queue:rabbitmq_queue_messages_ready", ["queue"]),
        ("replication-lag", "Standby replay lag", "s", "standby:replay_lag_seconds", ["standby"]),
        ("cpu", "CPU per process (share of the machine)", "ratio", "instance:process_cpu_utilization:rate1m", ["instance"]),
        ("memory", "Memory per process (share of its limit)", "ratio", "instance:process_memory_utilization", ["instance"]),
    ];

    public bool Configured => !string.IsNullOrEmpty(configuration["services:prometheus:http:0"]);

    public async Task<MonitoringView> ReadAsync(CancellationToken cancellationToken)
    {
        // The last point at or after now, on the step's grid: Prometheus answers it from the latest samples, so the
        // chart ends with what was just scraped (ending before now left a system's first half minute off it).
        var step = (long)Step.TotalSeconds;
        var end = DateTimeOffset.FromUnixTimeSeconds((time.GetUtcNow().ToUnixTimeSeconds() + step - 1) / step * step);
        var start = end - Range;
        if (!Configured)
        {
            return new MonitoringView("Prometheus is not configured (services:prometheus:http:0): the AppHost gives it in run mode.", start, (int)Step.TotalSeconds, [], []);
        }

        var charts = Charts.Select(c => ChartAsync(c.Id, c.Title, c.Unit, c.Query, c.NameLabels, start, end, cancellationToken)).ToList();
        var endpoints = EndpointsAsync(cancellationToken);
        try
        {
            var views = await Task.WhenAll(charts);
            return new MonitoringView(null, start, (int)Step.TotalSeconds, views, await endpoints);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return new MonitoringView($"Prometheus did not answer: {e.Message}", start, (int)Step.TotalSeconds, [], []);
        }
    }

    private async Task<ChartView> ChartAsync(string id, string title, string unit, string query, string[] nameLabels, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var points = (int)(Range / Step) + 1;
        var url = string.Create(CultureInfo.InvariantCulture,
            $"/api/v1/query_range?query={Uri.EscapeDataString(query)}&start={start.ToUnixTimeSeconds()}&end={end.ToUnixTimeSeconds()}&step={(int)Step.TotalSeconds}");
        using var document = await GetAsync(url, cancellationToken);
        var series = new List<SeriesView>();
        foreach (var result in document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var values = new double?[points];
            foreach (var pair in result.GetProperty("values").EnumerateArray())
            {
                var index = (int)((pair[0].GetDouble() - start.ToUnixTimeSeconds()) / Step.TotalSeconds);
                if (index >= 0 && index < points && Number(pair[1]) is { } value)
                {
                    values[index] = value;
                }
            }

            series.Add(new SeriesView(Name(result.GetProperty("metric"), nameLabels), values));
        }

        return new ChartView(id, title, unit, [.. series.OrderBy(s => s.Name, StringComparer.Ordinal)]);
    }

    private async Task<IReadOnlyList<EndpointFigures>> EndpointsAsync(CancellationToken cancellationToken)
    {
        string[] queries =
        [
            "route:http_server_requests:rate1m", "route:http_server_request_duration_seconds:p50_1m", "route:http_server_request_duration_seconds:p95_1m",
            "route:http_server_request_duration_seconds:p99_1m", "route:http_server_error_ratio:rate1m",
        ];
        var answers = await Task.WhenAll(queries.Select(q => InstantAsync(q, cancellationToken)));
        // Endpoints asked for in the last minute (a route seen earlier stays in the series with a rate of 0).
        return [.. answers[0].Select(r => (Key: r.Key, Rate: r.Value ?? 0))
            .Where(r => r.Rate > 0)
            .OrderByDescending(r => r.Rate)
            .Select(r => new EndpointFigures(r.Key.Job, r.Key.Method, r.Key.Route, Math.Round(r.Rate, 3),
                Ms(answers[1].GetValueOrDefault(r.Key)), Ms(answers[2].GetValueOrDefault(r.Key)), Ms(answers[3].GetValueOrDefault(r.Key)),
                answers[4].TryGetValue(r.Key, out var errors) && errors is { } e ? Math.Round(e, 4) : null))];

        static double? Ms(double? seconds) => seconds is { } s ? Math.Round(s * 1000, 1) : null;
    }

    private async Task<Dictionary<(string Job, string Method, string Route), double?>> InstantAsync(string query, CancellationToken cancellationToken)
    {
        using var document = await GetAsync($"/api/v1/query?query={Uri.EscapeDataString(query)}", cancellationToken);
        var values = new Dictionary<(string, string, string), double?>();
        foreach (var result in document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var metric = result.GetProperty("metric");
            values[(Label(metric, "job"), Label(metric, "http_request_method"), Label(metric, "http_route"))] = Number(result.GetProperty("value")[1]);
        }

        return values;
    }

    private async Task<JsonDocument> GetAsync(string url, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
    }

    /// <summary>Prometheus writes sample values as strings; NaN and the infinities (a ratio over no traffic) are no value.</summary>
    private static double? Number(JsonElement value) =>
        double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? number : null;

    private static string Label(JsonElement metric, string name) => metric.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";

    private static string Name(JsonElement metric, string[] labels) => string.Join(' ', labels.Select(l => Label(metric, l)).Where(v => v.Length > 0));
}

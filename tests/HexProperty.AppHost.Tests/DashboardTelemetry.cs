using System.Globalization;
using System.Text.Json;
using HexProperty.Testing;

namespace HexProperty.AppHost.Tests;

/// <summary>One span as the Aspire dashboard received it over OTLP.</summary>
public sealed record SpanRecord(
    string Resource, string Instance, string TraceId, string SpanId, string? ParentSpanId, string Name, string Kind,
    DateTimeOffset Start, IReadOnlyDictionary<string, string> Attributes)
{
    public string? Attribute(string key) => Attributes.GetValueOrDefault(key);
}

/// <summary>One structured log entry as the Aspire dashboard received it.</summary>
public sealed record LogRecord(string Resource, string Instance, string Message, string? TraceId);

/// <summary>
/// Reads what the services exported to the Aspire dashboard through its telemetry HTTP API (<c>/api/telemetry/*</c>,
/// OTLP JSON, authorised with the API key the fixture gives the AppHost).
/// </summary>
public sealed class DashboardTelemetry(Uri dashboard)
{
    public const string ApiKey = "hexproperty-tests-dashboard-api-key";

    private static readonly string[] Kinds = ["Unspecified", "Internal", "Server", "Client", "Producer", "Consumer"];
    private readonly HttpClient _http = new() { BaseAddress = new Uri(dashboard.GetLeftPart(UriPartial.Authority)), DefaultRequestHeaders = { { "x-api-key", ApiKey } } };

    public async Task<IReadOnlyList<SpanRecord>> TraceAsync(string traceId)
    {
        using var response = await _http.GetAsync($"/api/telemetry/spans?traceId={traceId}&limit=1000");
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. Resources(json, "resourceSpans", "scopeSpans", "spans").Select(e => new SpanRecord(
            e.Service, e.Instance,
            e.Item.GetProperty("traceId").GetString()!,
            e.Item.GetProperty("spanId").GetString()!,
            e.Item.TryGetProperty("parentSpanId", out var parent) && parent.GetString() is { Length: > 0 } p ? p : null,
            e.Item.GetProperty("name").GetString()!,
            Kinds[e.Item.TryGetProperty("kind", out var kind) ? kind.GetInt32() : 0],
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(e.Item.GetProperty("startTimeUnixNano").GetString()!, CultureInfo.InvariantCulture) / 1_000_000),
            Attributes(e.Item)))];
    }

    /// <summary>Waits for a span of the trace that matches; the services export on their own schedules.</summary>
    public async Task<SpanRecord> SpanAsync(string traceId, Func<SpanRecord, bool> match)
    {
        IReadOnlyList<SpanRecord> trace = [];
        return await Eventually.ValueAsync(
            async () => (trace = await TraceAsync(traceId)).FirstOrDefault(match),
            () => "no matching span; received: " + string.Join(", ", trace.Select(s => $"{s.Resource}:{s.Kind}:{s.Name}")),
            TimeSpan.FromSeconds(30));
    }

    public async Task<IReadOnlyList<LogRecord>> LogsAsync(string? traceId = null, string? resource = null)
    {
        using var response = await _http.GetAsync($"/api/telemetry/logs?limit=5000{(traceId is null ? "" : $"&traceId={traceId}")}{(resource is null ? "" : $"&resource={resource}")}");
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. Resources(json, "resourceLogs", "scopeLogs", "logRecords").Select(e => new LogRecord(
            e.Service, e.Instance,
            e.Item.TryGetProperty("body", out var body) && body.TryGetProperty("stringValue", out var text) ? text.GetString()! : "",
            e.Item.TryGetProperty("traceId", out var trace) ? trace.GetString() : null))];
    }

    /// <summary>The dashboard's list of what each resource instance sent: <c>hasLogs</c>, <c>hasTraces</c>, <c>hasMetrics</c>.</summary>
    public async Task<JsonElement> ResourcesAsync()
    {
        using var response = await _http.GetAsync("/api/telemetry/resources");
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static IEnumerable<(string Service, string Instance, JsonElement Item)> Resources(JsonDocument json, string resources, string scopes, string items)
    {
        foreach (var resource in json.RootElement.GetProperty("data").GetProperty(resources).EnumerateArray())
        {
            var attributes = resource.TryGetProperty("resource", out var r) ? Attributes(r) : new Dictionary<string, string>();
            var service = attributes.GetValueOrDefault("service.name", "?");
            var instance = attributes.GetValueOrDefault("service.instance.id", "?");
            foreach (var scope in resource.GetProperty(scopes).EnumerateArray())
            {
                foreach (var item in scope.GetProperty(items).EnumerateArray())
                {
                    yield return (service, instance, item);
                }
            }
        }
    }

    private static Dictionary<string, string> Attributes(JsonElement element)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty("attributes", out var list))
        {
            foreach (var attribute in list.EnumerateArray())
            {
                var value = attribute.GetProperty("value");
                attributes[attribute.GetProperty("key").GetString()!] = value.EnumerateObject().FirstOrDefault().Value.ToString();
            }
        }

        return attributes;
    }
}

using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Google.Protobuf;
using HexProperty.Dashboard.Telemetry;
using HexProperty.Hosting;
using HexProperty.Hosting.Testing;
using Microsoft.Playwright;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace HexProperty.AppHost.Tests;

/// <summary>The AppHost's developer dashboard, fed by the running services over OTLP/HTTP.</summary>
[Collection(PlatformCollection.Name)]
public sealed partial class DashboardTests(PlatformFixture platform)
{
    private DistributedApplication App => platform.App;

    private HexProperty.Dashboard.DashboardServer Dashboard => App.Dashboard!;

    [Fact]
    public async Task Spans_from_the_web_the_api_and_the_worker_assemble_into_one_trace_whose_logs_filter_by_its_id()
    {
        await App.ResourceNotifications.WaitForResourceHealthyAsync("web");
        await App.ResourceNotifications.WaitForResourceHealthyAsync("worker");
        var traceId = ActivityTraceId.CreateRandom().ToHexString();

        // The test is the trace's root: the status page through the web (web -> api), then a payment through the api
        // that the worker handles (api -> broker -> worker), both under one trace id.
        using (var web = App.CreateHttpClient("web"))
        using (var page = new HttpRequestMessage(HttpMethod.Get, "/status"))
        {
            page.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            Assert.Equal(HttpStatusCode.OK, (await web.SendAsync(page)).StatusCode);
        }

        var hold = await BookingScenario.HoldAsync(App);
        await BookingScenario.PayAsync(App, hold, traceId);

        // Each service exports on its own schedule, so a child may arrive before its parent: wait until the trace is
        // whole, with the web's spans in, and only the page's and the payment's spans left without a parent (theirs is
        // the test's own). Counting parentless spans alone is not enough: before the web exports, the api's span of the
        // page request is parentless in place of the web's, and the count is 2 as well.
        static int Roots(IReadOnlyList<SpanRecord> spans) => spans.Count(s => s.ParentSpanId is null || !spans.Any(p => p.SpanId == s.ParentSpanId));
        await EventuallyAsync(
            () => platform.Telemetry.GetTrace(traceId) is { } trace && trace.Any(s => s.Resource == "worker" && s.Kind == "Consumer")
                && trace.Any(s => s.Resource == "web" && s.Kind == "Server") && trace.Any(s => s.Resource == "web" && s.Kind == "Client") && Roots(trace) == 2,
            () => "the trace never became whole: " + string.Join(", ", (platform.Telemetry.GetTrace(traceId) ?? []).Select(s => $"{s.Resource}:{s.Kind}:{s.Name}")));
        var summary = platform.Telemetry.QueryTraces(new TraceQuery(Limit: 1000)).Single(t => t.TraceId == traceId);
        Assert.Equal(["api", "web", "worker"], summary.Resources);
        var spans = platform.Telemetry.GetTrace(traceId)!;
        Assert.Contains(spans, s => s.Resource == "web" && s.Kind == "Client" && spans.Any(child => child.ParentSpanId == s.SpanId && child.Resource == "api"));

        await EventuallyAsync(() => platform.Telemetry.QueryLogs(new LogQuery(TraceId: traceId)).Any(e => e.Message.Contains("confirmed with payment", StringComparison.Ordinal)), "no log of the payment in the trace");
        var logs = platform.Telemetry.QueryLogs(new LogQuery(TraceId: traceId));
        Assert.All(logs, e => Assert.Equal(traceId, e.TraceId));
        Assert.True(platform.Telemetry.QueryLogs(new LogQuery()).Count > logs.Count, "the filter left other traces' logs out");

        using var browser = await SignedInClientAsync();
        var filtered = await browser.GetStringAsync($"/structuredlogs?traceId={traceId}");
        Assert.Contains("confirmed with payment", filtered, StringComparison.Ordinal);
        Assert.All(TraceLinks().Matches(filtered), link => Assert.Equal(traceId, link.Groups[1].Value));
        var detail = await browser.GetStringAsync($"/traces/detail/{traceId}");
        Assert.Contains("booking.confirmed process", detail, StringComparison.Ordinal);
        Assert.Equal(spans.Count, SpanRows().Matches(detail).Count);
    }

    [Fact]
    public async Task Request_durations_become_a_chartable_series_with_p50_p95_and_p99()
    {
        await App.ResourceNotifications.WaitForResourceHealthyAsync("api");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        using var api = App.CreateHttpClient("api");
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/platform/status")).StatusCode);
        }

        IReadOnlyList<ChartSeries> chart = [];
        await EventuallyAsync(
            () => (chart = Dashboard.Metrics.Chart("api", "Microsoft.AspNetCore.Hosting", "http.server.request.duration", since, TimeSpan.FromSeconds(1))).All(c => c.Points.Count > 0),
            "no request-duration points since the requests");
        Assert.Equal(["p50", "p95", "p99"], chart.Select(c => c.Label));
        foreach (var (time, p50) in chart[0].Points)
        {
            var p95 = chart[1].Points.Single(p => p.Time == time).Value;
            var p99 = chart[2].Points.Single(p => p.Time == time).Value;
            Assert.True(p50 > 0 && p50 <= p95 && p95 <= p99, $"{time}: p50 {p50}, p95 {p95}, p99 {p99}");
        }

        using var browser = await SignedInClientAsync();
        var page = await browser.GetStringAsync("/metrics?resource=api&meter=Microsoft.AspNetCore.Hosting&instrument=http.server.request.duration&minutes=5");
        Assert.Contains("<polyline", page, StringComparison.Ordinal);
        Assert.Contains("p95", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_refuses_unauthenticated_and_malformed_exports_with_a_4xx_and_keeps_serving()
    {
        using var http = new HttpClient { BaseAddress = new Uri(Dashboard.Url) };
        var valid = new ExportLogsServiceRequest().ToByteArray();

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(Export("/v1/logs", valid, key: null))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(Export("/v1/logs", valid, key: "not-the-key"))).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await http.SendAsync(Export("/v1/logs", valid, contentType: "application/json"))).StatusCode);
        var malformed = await http.SendAsync(Export("/v1/traces", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF]));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("ExportTraceServiceRequest", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(Export("/v1/metrics", [0xFF]))).StatusCode);

        // A span without a valid trace id is refused alone, and said so in the partial success.
        var badSpan = new ExportTraceServiceRequest();
        badSpan.ResourceSpans.Add(new OpenTelemetry.Proto.Trace.V1.ResourceSpans());
        badSpan.ResourceSpans[0].ScopeSpans.Add(new OpenTelemetry.Proto.Trace.V1.ScopeSpans());
        badSpan.ResourceSpans[0].ScopeSpans[0].Spans.Add(new OpenTelemetry.Proto.Trace.V1.Span { TraceId = ByteString.CopyFrom(1, 2, 3), SpanId = ByteString.CopyFrom(new byte[8]), Name = "bad" });
        using var partial = await http.SendAsync(Export("/v1/traces", badSpan.ToByteArray()));
        Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
        Assert.Equal(1, ExportTraceServiceResponse.Parser.ParseFrom(await partial.Content.ReadAsByteArrayAsync()).PartialSuccess.RejectedSpans);

        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Export("/v1/logs", valid))).StatusCode);
    }

    private HttpRequestMessage Export(string path, byte[] body, string? key = "", string contentType = "application/x-protobuf")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        if (key is not null)
        {
            request.Headers.Add("x-otlp-api-key", key == "" ? Dashboard.Options.OtlpApiKey : key);
        }

        return request;
    }

    [Fact]
    public async Task A_restart_from_the_dashboard_replaces_the_process_and_the_instance_comes_back_healthy()
    {
        await App.ResourceNotifications.WaitForResourceHealthyAsync("web");
        var before = App.ResourceNotifications.GetInstances("web")[0].ProcessId!.Value;
        using (var anonymous = new HttpClient { BaseAddress = new Uri(Dashboard.Url) })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/resources/web/restart", null)).StatusCode);
        }

        using var browser = await SignedInClientAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/api/resources/web/explode", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await browser.PostAsync("/api/resources/web/start", null)).StatusCode); // it runs already
        using var restart = await browser.PostAsync("/api/resources/web/restart", null);
        Assert.Equal(HttpStatusCode.OK, restart.StatusCode);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var after = await App.ResourceNotifications.WaitForResourceAsync("web", i => i[0].IsHealthy && i[0].ProcessId != before, timeout.Token);
        Assert.False(Directory.Exists($"/proc/{before}"), $"the old web process {before} is still running");
        using var web = App.CreateHttpClient("web");
        Assert.Equal(HttpStatusCode.OK, (await web.GetAsync("/")).StatusCode);
        Assert.NotEqual(before, after[0].ProcessId);
    }

    [Fact]
    public async Task Every_page_renders_in_a_real_browser_and_is_saved_as_a_screenshot()
    {
        await App.ResourceNotifications.WaitForResourceHealthyAsync("web");
        using (var web = App.CreateHttpClient("web"))
        {
            Assert.Equal(HttpStatusCode.OK, (await web.GetAsync("/status")).StatusCode); // at least one trace across services
        }

        await using var browser = await TestBrowser.StartAsync();
        var page = browser.Page;

        await browser.VisitAsync(Dashboard.Url + "/traces", "dashboard-0-login");
        Assert.EndsWith("/login?returnUrl=%2Ftraces", page.Url, StringComparison.Ordinal);

        await browser.VisitAsync(Dashboard.LoginUrl, "dashboard-1-resources");
        Assert.Equal(Dashboard.Url + "/", page.Url);
        Assert.Equal(App.ResourceNotifications.GetAll().Count, await page.Locator("tr[data-instance]").CountAsync());
        Assert.Equal("Running", await page.Locator("tr[data-instance='postgres'] .state").InnerTextAsync());

        await page.GotoAsync(Dashboard.Url + "/consolelogs/resource/api-0");
        await Assertions.Expect(page.Locator("#console")).ToContainTextAsync("Now listening on");
        await browser.ScreenshotAsync("dashboard-2-console");

        await EventuallyAsync(() => platform.Telemetry.QueryLogs(new LogQuery("api")).Count > 0, "no api logs");
        await browser.VisitAsync(Dashboard.Url + "/structuredlogs?resource=api", "dashboard-3-structured-logs");
        Assert.True(await page.Locator("table.logs tbody tr").CountAsync() > 0);

        await EventuallyAsync(() => platform.Telemetry.QueryTraces(new TraceQuery("web")).Count > 0, "no web traces");
        await browser.VisitAsync(Dashboard.Url + "/traces?resource=web", "dashboard-4-traces");
        await page.Locator("table.grid tbody tr a").First.ClickAsync();
        await page.WaitForURLAsync(new Regex("/traces/detail/[0-9a-f]{32}$"));
        Assert.True(await page.Locator("ol.waterfall li.span").CountAsync() >= 2);
        await page.Locator("ol.waterfall li.span summary").First.ClickAsync(); // opens the span's attributes
        await browser.ScreenshotAsync("dashboard-5-trace-detail");

        await EventuallyAsync(() => Dashboard.Metrics.Chart("api", "Microsoft.AspNetCore.Hosting", "http.server.request.duration", DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromSeconds(3)).Any(c => c.Points.Count > 1), "no chartable request durations");
        await browser.VisitAsync(Dashboard.Url + "/metrics?resource=api&meter=Microsoft.AspNetCore.Hosting&instrument=http.server.request.duration&minutes=5", "dashboard-6-metrics");
        Assert.Equal(3, await page.Locator("figure.chart svg polyline").CountAsync());

        await browser.VisitAsync(Dashboard.Url + "/alerts", "dashboard-7-alerts");
        Assert.Equal(Dashboard.Alerts.Rules.Count, await page.Locator("h2:has-text('Rules') + table tbody tr").CountAsync());

        foreach (var name in new[] { "0-login", "1-resources", "2-console", "3-structured-logs", "5-trace-detail", "6-metrics", "7-alerts" })
        {
            Assert.True(new FileInfo(Path.Combine(TestBrowser.ScreenshotFolder, $"dashboard-{name}.png")).Length > 10_000, name);
        }
    }

    /// <summary>An HTTP client signed in the way a browser is: through the printed link, keeping the cookie.</summary>
    private async Task<HttpClient> SignedInClientAsync()
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(Dashboard.Url) };
        using var signIn = await client.GetAsync(Dashboard.LoginUrl);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal(Dashboard.Url + "/", signIn.RequestMessage!.RequestUri!.ToString());
        return client;
    }

    private static Task EventuallyAsync(Func<bool> condition, string failure) => Eventually.TrueAsync(condition, failure, TimeSpan.FromSeconds(30));

    private static Task EventuallyAsync(Func<bool> condition, Func<string> failure) => Eventually.TrueAsync(condition, failure, TimeSpan.FromSeconds(30));

    [GeneratedRegex("href=\"/traces/detail/([0-9a-f]{32})\"")]
    private static partial Regex TraceLinks();

    [GeneratedRegex("<li class=\"span[ \"]")]
    private static partial Regex SpanRows();
}

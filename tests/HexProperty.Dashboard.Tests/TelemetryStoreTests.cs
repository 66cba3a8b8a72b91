using HexProperty.Dashboard.Ingest;
using HexProperty.Dashboard.Telemetry;
using OpenTelemetry.Proto.Logs.V1;

namespace HexProperty.Dashboard.Tests;

public sealed class TelemetryStoreTests
{
    private static readonly DashboardOptions Limits = new() { MaxSpansPerResource = 10_000, MaxLogsPerResource = 1_000 };

    [Fact]
    public void Under_100k_spans_each_resource_keeps_its_newest_and_the_trace_index_forgets_the_dropped()
    {
        var store = new TelemetryStore(Limits);
        var ingest = new OtlpIngest(store, new MetricStore(Limits));
        const int SpansPerTrace = 10;
        for (var batch = 0; batch < 200; batch++)
        {
            // 100,000 spans in batches of 500: 60% from the api, 40% from the worker, ten spans per trace.
            var resource = batch % 5 < 3 ? "api" : "worker";
            var spans = Enumerable.Range(batch * 500, 500).Select(n => OtlpMessages.Span(
                TraceId(n / SpansPerTrace), SpanId(n), null, "span " + n, OtlpMessages.Epoch.AddMilliseconds(n), TimeSpan.FromMilliseconds(1))).ToArray();
            Assert.Equal(0, ingest.AddTraces(OtlpMessages.Traces(resource, resource + "-0", spans)));
        }

        Assert.Equal(10_000, store.SpanCount("api"));
        Assert.Equal(10_000, store.SpanCount("worker"));
        Assert.Equal(20_000 / SpansPerTrace, store.TraceCount);
        Assert.Null(store.GetTrace(TraceId(0))); // the first trace was dropped with its spans
        Assert.Equal(SpansPerTrace, store.GetTrace(TraceId((100_000 / SpansPerTrace) - 1))!.Count);
        Assert.Equal("span 99999", store.QueryTraces(new TraceQuery(Limit: 1)).Single() is var newest ? store.GetTrace(newest.TraceId)![^1].Name : null);
    }

    [Fact]
    public void Logs_are_bounded_and_filter_by_resource_level_text_and_trace_id()
    {
        var store = new TelemetryStore(Limits);
        var ingest = new OtlpIngest(store, new MetricStore(Limits));
        var trace = TraceId(7);
        for (var i = 0; i < 1_500; i++)
        {
            ingest.AddLogs(OtlpMessages.Logs("api", OtlpMessages.Log($"request {i}", SeverityNumber.Info)));
        }

        ingest.AddLogs(OtlpMessages.Logs("api", OtlpMessages.Log("Booking HX-1 confirmed with payment", SeverityNumber.Info, trace)));
        ingest.AddLogs(OtlpMessages.Logs("worker", OtlpMessages.Log("Notification failed", SeverityNumber.Error, trace)));
        ingest.AddLogs(OtlpMessages.Logs("worker", OtlpMessages.Log("Export started", SeverityNumber.Info)));

        Assert.Equal(1_000, store.LogCount("api"));
        Assert.Equal(["Notification failed", "Booking HX-1 confirmed with payment"], store.QueryLogs(new LogQuery(TraceId: trace)).Select(e => e.Message));
        Assert.Equal(["Notification failed"], store.QueryLogs(new LogQuery(MinimumLevel: LogLevelName.Warning)).Select(e => e.Message));
        Assert.Equal(["Export started", "Notification failed"], store.QueryLogs(new LogQuery("worker")).Select(e => e.Message));
        Assert.Single(store.QueryLogs(new LogQuery(Text: "HX-1")));
        Assert.Equal("request 1499", store.QueryLogs(new LogQuery("api", Text: "request")).First().Message);
        Assert.Equal("request 501", store.QueryLogs(new LogQuery("api", Text: "request", Limit: 10_000)).Last().Message); // of 1,501, the oldest 501 were dropped
    }

    /// <summary>Never all zeros, which OTLP reserves for "no trace".</summary>
    internal static string TraceId(int n) => (n + 1).ToString("x32");

    private static string SpanId(int n) => (n + 1).ToString("x16");
}

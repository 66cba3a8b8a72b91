using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace HexProperty.Dashboard.Tests;

/// <summary>OTLP exports as a .NET service sends them, built by hand for the tests.</summary>
internal static class OtlpMessages
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    public static ulong Nanos(DateTimeOffset time) => (ulong)(time - DateTimeOffset.UnixEpoch).Ticks * 100;

    public static OpenTelemetry.Proto.Resource.V1.Resource Resource(string name, string instance) => new()
    {
        Attributes = { Attribute("service.name", name), Attribute("service.instance.id", instance) },
    };

    public static KeyValue Attribute(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static KeyValue Attribute(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    public static Span Span(string traceId, string spanId, string? parent, string name, DateTimeOffset start, TimeSpan duration) => new()
    {
        TraceId = ByteString.CopyFrom(Convert.FromHexString(traceId)),
        SpanId = ByteString.CopyFrom(Convert.FromHexString(spanId)),
        ParentSpanId = parent is null ? ByteString.Empty : ByteString.CopyFrom(Convert.FromHexString(parent)),
        Name = name,
        Kind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Server,
        StartTimeUnixNano = Nanos(start),
        EndTimeUnixNano = Nanos(start + duration),
    };

    public static ExportTraceServiceRequest Traces(string resource, string instance, params Span[] spans) => new()
    {
        ResourceSpans = { new ResourceSpans { Resource = Resource(resource, instance), ScopeSpans = { new ScopeSpans { Scope = new() { Name = "Microsoft.AspNetCore" }, Spans = { spans } } } } },
    };

    public static ExportLogsServiceRequest Logs(string resource, params LogRecord[] records) => new()
    {
        ResourceLogs = { new ResourceLogs { Resource = Resource(resource, resource + "-0"), ScopeLogs = { new ScopeLogs { Scope = new() { Name = "HexProperty.Api.Bookings" }, LogRecords = { records } } } } },
    };

    public static LogRecord Log(string message, SeverityNumber severity, string? traceId = null) => new()
    {
        TimeUnixNano = Nanos(Epoch),
        SeverityNumber = severity,
        Body = new AnyValue { StringValue = message },
        TraceId = traceId is null ? ByteString.Empty : ByteString.CopyFrom(Convert.FromHexString(traceId)),
    };

    /// <summary>A cumulative histogram export of http.server.request.duration (seconds), as ASP.NET Core's meter sends it.</summary>
    public static ExportMetricsServiceRequest RequestDurations(string resource, DateTimeOffset start, DateTimeOffset time, ulong[] buckets, int statusCode = 200) => new()
    {
        ResourceMetrics =
        {
            new ResourceMetrics
            {
                Resource = Resource(resource, resource + "-0"),
                ScopeMetrics =
                {
                    new ScopeMetrics
                    {
                        Scope = new() { Name = "Microsoft.AspNetCore.Hosting" },
                        Metrics =
                        {
                            new Metric
                            {
                                Name = "http.server.request.duration",
                                Unit = "s",
                                Histogram = new Histogram
                                {
                                    AggregationTemporality = AggregationTemporality.Cumulative,
                                    DataPoints =
                                    {
                                        new HistogramDataPoint
                                        {
                                            StartTimeUnixNano = Nanos(start),
                                            TimeUnixNano = Nanos(time),
                                            Count = buckets.Aggregate(0UL, (a, b) => a + b),
                                            ExplicitBounds = { Bounds },
                                            BucketCounts = { buckets },
                                            Attributes = { Attribute("http.response.status_code", statusCode) },
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    };

    /// <summary>ASP.NET Core's default bounds for request durations, in seconds.</summary>
    public static readonly double[] Bounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary><paramref name="count"/> observations in the bucket whose upper bound is <paramref name="upperBound"/>.</summary>
    public static ulong[] Observed(double upperBound, ulong count)
    {
        var buckets = new ulong[Bounds.Length + 1];
        buckets[Array.IndexOf(Bounds, upperBound)] = count;
        return buckets;
    }
}

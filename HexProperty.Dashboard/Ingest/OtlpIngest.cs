using HexProperty.Dashboard.Telemetry;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace HexProperty.Dashboard.Ingest;

/// <summary>
/// Turns decoded OTLP exports into the stores' records. A record the dashboard cannot use (a span without a valid
/// trace or span id) is counted as rejected and reported back in the response's partial success, as OTLP asks.
/// </summary>
public sealed class OtlpIngest(TelemetryStore telemetry, MetricStore metrics)
{
    public long AddTraces(ExportTraceServiceRequest export)
    {
        long rejected = 0;
        var spans = new List<SpanRecord>();
        foreach (var resourceSpans in export.ResourceSpans)
        {
            var (resource, instance) = OtlpValues.Source(resourceSpans.Resource);
            foreach (var scope in resourceSpans.ScopeSpans)
            {
                foreach (var span in scope.Spans)
                {
                    if (span.TraceId.Length != 16 || span.SpanId.Length != 8 || OtlpValues.Id(span.TraceId) is not { } traceId || OtlpValues.Id(span.SpanId) is not { } spanId)
                    {
                        rejected++;
                        continue;
                    }

                    spans.Add(new SpanRecord(
                        traceId, spanId, OtlpValues.Id(span.ParentSpanId), span.Name, KindOf(span.Kind),
                        OtlpValues.Time(span.StartTimeUnixNano), OtlpValues.Time(Math.Max(span.EndTimeUnixNano, span.StartTimeUnixNano)),
                        span.Status?.Code == Status.Types.StatusCode.Error, string.IsNullOrEmpty(span.Status?.Message) ? null : span.Status.Message,
                        resource, instance, scope.Scope?.Name ?? "", OtlpValues.Attributes(span.Attributes),
                        [.. span.Events.Select(e => new SpanEventRecord(OtlpValues.Time(e.TimeUnixNano), e.Name, OtlpValues.Attributes(e.Attributes)))]));
                }
            }
        }

        telemetry.AddSpans(spans);
        return rejected;
    }

    public long AddLogs(ExportLogsServiceRequest export)
    {
        foreach (var resourceLogs in export.ResourceLogs)
        {
            var (resource, instance) = OtlpValues.Source(resourceLogs.Resource);
            foreach (var scope in resourceLogs.ScopeLogs)
            {
                foreach (var record in scope.LogRecords)
                {
                    var time = record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano;
                    telemetry.AddLog(sequence => new LogEntry(
                        sequence, time != 0 ? OtlpValues.Time(time) : DateTimeOffset.UtcNow, resource, instance, (int)record.SeverityNumber,
                        scope.Scope?.Name ?? "", OtlpValues.Text(record.Body), OtlpValues.Id(record.TraceId), OtlpValues.Id(record.SpanId),
                        OtlpValues.Attributes(record.Attributes)));
                }
            }
        }

        return 0;
    }

    public long AddMetrics(OpenTelemetry.Proto.Collector.Metrics.V1.ExportMetricsServiceRequest export) => metrics.Add(export);

    private static string KindOf(Span.Types.SpanKind kind) => kind switch
    {
        Span.Types.SpanKind.Server => "Server",
        Span.Types.SpanKind.Client => "Client",
        Span.Types.SpanKind.Producer => "Producer",
        Span.Types.SpanKind.Consumer => "Consumer",
        _ => "Internal",
    };
}

using System.Diagnostics;
using System.Net.Http.Headers;
using Google.Protobuf;
using HexProperty.Dashboard;
using HexProperty.Dashboard.Resources;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace HexProperty.Bench;

/// <summary>
/// The dashboard's OTLP ingest on its own: span exports of 512 (the .NET SDK's batch size) from 4 senders, beside the
/// same server's cheapest export (an empty log export) measured in the same run; and the process's memory after each
/// 100,000 spans, which must stay flat once the ring buffers are full.
/// </summary>
internal static class DashboardBench
{
    private const int BatchSize = 512;
    private const int Senders = 4;

    public static async Task<int> RunAsync(int spans, CancellationToken cancellationToken)
    {
        await using var server = await DashboardServer.StartAsync(new DashboardOptions { Port = 0 }, NoResources.Instance, NullLoggerFactory.Instance, cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        var emptyLogs = new ExportLogsServiceRequest().ToByteArray();
        var ceiling = await RateAsync(http, server, "/v1/logs", _ => emptyLogs, 20_000, "empty exports", cancellationToken);

        var batches = spans / BatchSize;
        var memory = new List<string>();
        var sent = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, batches), new ParallelOptions { MaxDegreeOfParallelism = Senders, CancellationToken = cancellationToken }, async (batch, token) =>
        {
            await PostAsync(http, server, "/v1/traces", Spans(batch), token);
            var done = Interlocked.Increment(ref sent);
            if (done * BatchSize / 100_000 != (done - 1) * BatchSize / 100_000)
            {
                lock (memory)
                {
                    memory.Add(Bench.Format($"{done * BatchSize / 1000}k spans: {Bench.ResidentMegabytes(Environment.ProcessId):0} MB"));
                }

                Console.Error.WriteLine(Bench.Format($"dashboard: {done * BatchSize:N0} of {batches * BatchSize:N0} spans ({100.0 * done / batches:0} %)"));
            }
        });
        var seconds = clock.Elapsed.TotalSeconds;
        var requests = batches / seconds;
        Console.WriteLine(Bench.Format($"| span exports of {BatchSize} | {batches * BatchSize:N0} spans | {seconds:0.0} s | {batches * BatchSize / seconds:N0} spans/s, {requests:N0} exports/s | {requests / ceiling:0.00} of {ceiling:N0} empty exports/s | kept {server.Telemetry.SpanCount("bench")} | RSS {string.Join(", ", memory)} |"));
        return 0;
    }

    private static async Task<double> RateAsync(HttpClient http, DashboardServer server, string path, Func<int, byte[]> body, int count, string what, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Senders, CancellationToken = cancellationToken },
            async (i, token) => await PostAsync(http, server, path, body(i), token));
        Console.Error.WriteLine(Bench.Format($"dashboard: {count:N0} {what} in {clock.Elapsed.TotalSeconds:0.0} s"));
        return count / clock.Elapsed.TotalSeconds;
    }

    private static async Task PostAsync(HttpClient http, DashboardServer server, string path, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        request.Headers.Add("x-otlp-api-key", server.Options.OtlpApiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A batch of server spans shaped like ASP.NET Core's, ten to a trace.</summary>
    private static byte[] Spans(int batch)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "Microsoft.AspNetCore" } };
        for (var i = 0; i < BatchSize; i++)
        {
            var n = (batch * BatchSize) + i + 1;
            var start = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
            scope.Spans.Add(new Span
            {
                TraceId = ByteString.CopyFrom(Convert.FromHexString((n / 10 + 1).ToString("x32", System.Globalization.CultureInfo.InvariantCulture))),
                SpanId = ByteString.CopyFrom(Convert.FromHexString(n.ToString("x16", System.Globalization.CultureInfo.InvariantCulture))),
                Name = "GET /api/properties/{id}",
                Kind = Span.Types.SpanKind.Server,
                StartTimeUnixNano = start,
                EndTimeUnixNano = start + 1_500_000,
                Attributes =
                {
                    new KeyValue { Key = "http.request.method", Value = new AnyValue { StringValue = "GET" } },
                    new KeyValue { Key = "http.route", Value = new AnyValue { StringValue = "/api/properties/{id}" } },
                    new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 } },
                    new KeyValue { Key = "url.path", Value = new AnyValue { StringValue = "/api/properties/" + n } },
                },
            });
        }

        var resource = new OpenTelemetry.Proto.Resource.V1.Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "bench" } } } };
        return new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { Resource = resource, ScopeSpans = { scope } } } }.ToByteArray();
    }
}

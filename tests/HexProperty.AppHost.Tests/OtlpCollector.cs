using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace HexProperty.AppHost.Tests;

/// <summary>
/// A minimal OTLP/HTTP receiver the services export to during a test: traces are decoded into spans; metrics and
/// logs are kept as the raw protobuf bodies they arrive as.
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentQueue<(string Signal, byte[] Body)> _payloads = new();

    private OtlpCollector(WebApplication app) => _app = app;

    public string Endpoint => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    public IReadOnlyCollection<ReceivedSpan> Spans => _spans;

    /// <summary>Every export body received, by signal ("metrics", "logs").</summary>
    public IReadOnlyCollection<(string Signal, byte[] Body)> Payloads => _payloads;

    public static async Task<OtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var collector = new OtlpCollector(app);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var export = ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray());
            foreach (var resourceSpans in export.ResourceSpans)
            {
                var service = resourceSpans.Resource.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value.StringValue ?? "";
                var instance = resourceSpans.Resource.Attributes.FirstOrDefault(a => a.Key == "service.instance.id")?.Value.StringValue ?? "";
                foreach (var span in resourceSpans.ScopeSpans.SelectMany(s => s.Spans))
                {
                    collector._spans.Enqueue(new ReceivedSpan(service, instance, span));
                }
            }

            return Results.Bytes(new ExportTraceServiceResponse().ToByteArray(), "application/x-protobuf");
        });
        foreach (var signal in new[] { "metrics", "logs" })
        {
            app.MapPost($"/v1/{signal}", async (HttpRequest request) =>
            {
                if (request.ContentType != "application/x-protobuf")
                {
                    return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
                }

                var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                collector._payloads.Enqueue((signal, body.ToArray()));
                return Results.Bytes([], "application/x-protobuf"); // an empty Export*ServiceResponse
            });
        }

        await app.StartAsync();
        return collector;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedSpan(string Service, string Instance, Span Span)
{
    public string TraceId => Convert.ToHexStringLower(Span.TraceId.ToByteArray());

    public string SpanId => Convert.ToHexStringLower(Span.SpanId.ToByteArray());

    public string ParentSpanId => Convert.ToHexStringLower(Span.ParentSpanId.ToByteArray());

    public string? Attribute(string key) => Span.Attributes.FirstOrDefault(a => a.Key == key)?.Value switch
    {
        null => null,
        { ValueCase: OpenTelemetry.Proto.Common.V1.AnyValue.ValueOneofCase.StringValue } v => v.StringValue,
        { ValueCase: OpenTelemetry.Proto.Common.V1.AnyValue.ValueOneofCase.IntValue } v => v.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        var v => v.ToString(),
    };
}

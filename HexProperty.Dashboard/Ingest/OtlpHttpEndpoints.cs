using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace HexProperty.Dashboard.Ingest;

/// <summary>
/// OTLP/HTTP with protobuf bodies, as the Aspire dashboard takes it: <c>POST /v1/traces</c>, <c>/v1/metrics</c>,
/// <c>/v1/logs</c>, authenticated by the <c>x-otlp-api-key</c> header. A missing or wrong key answers 401, another
/// content type 415, a body over the limit 413, a body that is not the expected message 400; never a 500.
/// </summary>
public static class OtlpHttpEndpoints
{
    public const string ApiKeyHeader = "x-otlp-api-key";
    public const string ProtobufContentType = "application/x-protobuf";

    public static IEndpointRouteBuilder MapOtlpHttp(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1").DisableAntiforgery();
        group.MapPost("/traces", (HttpContext http, OtlpIngest ingest) => ReceiveAsync(http, ExportTraceServiceRequest.Parser, ingest.AddTraces,
            rejected => new ExportTraceServiceResponse { PartialSuccess = rejected > 0 ? new() { RejectedSpans = rejected, ErrorMessage = "spans need a 16-byte trace id and an 8-byte span id" } : null }));
        group.MapPost("/metrics", (HttpContext http, OtlpIngest ingest) => ReceiveAsync(http, ExportMetricsServiceRequest.Parser, ingest.AddMetrics,
            rejected => new ExportMetricsServiceResponse { PartialSuccess = rejected > 0 ? new() { RejectedDataPoints = rejected, ErrorMessage = "the instrument has too many attribute combinations" } : null }));
        group.MapPost("/logs", (HttpContext http, OtlpIngest ingest) => ReceiveAsync(http, ExportLogsServiceRequest.Parser, ingest.AddLogs,
            _ => new ExportLogsServiceResponse()));
        return endpoints;
    }

    private static async Task<IResult> ReceiveAsync<TRequest>(
        HttpContext http, MessageParser<TRequest> parser, Func<TRequest, long> add, Func<long, IMessage> response)
        where TRequest : IMessage<TRequest>
    {
        var options = http.RequestServices.GetRequiredService<DashboardOptions>();
        if (!KeyMatches(http.Request.Headers[ApiKeyHeader].ToString(), options.OtlpApiKey))
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: $"OTLP exports need the AppHost's key in the '{ApiKeyHeader}' header (OTEL_EXPORTER_OTLP_HEADERS).");
        }

        var contentType = http.Request.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(contentType, ProtobufContentType, StringComparison.OrdinalIgnoreCase))
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: $"Send OTLP as '{ProtobufContentType}' (OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf); got '{contentType}'.");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxRequestBodyBytes;
        }

        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large",
                detail: $"An OTLP export may be at most {options.MaxRequestBodyBytes} bytes.");
        }

        TRequest request;
        try
        {
            request = parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed OTLP payload",
                detail: $"The body is not a valid {typeof(TRequest).Name}: {e.Message}");
        }

        var rejected = add(request);
        return Results.Bytes(response(rejected).ToByteArray(), ProtobufContentType);
    }

    internal static bool KeyMatches(string presented, string? expected) =>
        !string.IsNullOrEmpty(expected)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}

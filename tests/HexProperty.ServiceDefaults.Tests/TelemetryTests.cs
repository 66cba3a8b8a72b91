using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HexProperty.ServiceDefaults.Tests;

public sealed class TelemetryTests
{
    private static async Task<(LoopbackApp Service, ConcurrentQueue<Activity> Spans)> ServiceAsync(Uri downstream)
    {
        var spans = new ConcurrentQueue<Activity>();
        var service = await LoopbackApp.StartAsync(
            builder =>
            {
                builder.AddServiceDefaults();
                builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new SimpleActivityExportProcessor(new CollectingExporter(spans))));
                builder.Services.AddHttpClient("downstream", client => client.BaseAddress = downstream);
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapGet("/quotes/{unitId}", async (string unitId, IHttpClientFactory clients) =>
                    Results.Text(await clients.CreateClient("downstream").GetStringAsync("/rates")));
            },
            settings: new() { ["OTEL_SERVICE_NAME"] = "quotes" });
        return (service, spans);
    }

    [Fact]
    public async Task A_request_is_one_trace_with_semantic_tags_and_its_outgoing_call_as_a_child()
    {
        await using var rates = await LoopbackApp.StartAsync(_ => { }, app => app.MapGet("/rates", () => "120.00"));
        var (service, spans) = await ServiceAsync(rates.BaseAddress);
        await using var _ = service;
        using var client = service.CreateClient();

        Assert.Equal("120.00", await client.GetStringAsync("/quotes/42"));

        var server = await SpanAsync(spans, s => s.Kind == ActivityKind.Server && s.GetTagItem("http.route") as string == "/quotes/{unitId}");
        // The SDK listens process-wide, so other tests' HTTP calls land here too: pick this request's call by its URL.
        var ratesUrl = new Uri(rates.BaseAddress, "/rates").ToString();
        var outgoing = await SpanAsync(spans, s => s.Kind == ActivityKind.Client && s.Source.Name == "System.Net.Http" && s.GetTagItem("url.full") as string == ratesUrl);
        Assert.Equal("GET", server.GetTagItem("http.request.method"));
        Assert.Equal("GET /quotes/{unitId}", server.DisplayName);
        Assert.Equal(200, Convert.ToInt32(server.GetTagItem("http.response.status_code"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(server.TraceId, outgoing.TraceId);
        Assert.Equal(server.SpanId, outgoing.ParentSpanId);
    }

    [Fact]
    public async Task A_failing_request_is_an_error_span_with_its_status()
    {
        var spans = new ConcurrentQueue<Activity>();
        await using var service = await LoopbackApp.StartAsync(
            builder =>
            {
                builder.AddServiceDefaults();
                builder.Services.AddProblemDetails();
                builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new SimpleActivityExportProcessor(new CollectingExporter(spans))));
            },
            app =>
            {
                app.UseExceptionHandler();
                app.MapGet("/bookings/{id}", string (string id) => throw new InvalidOperationException("database unreachable"));
            });
        using var client = service.CreateClient();

        using var response = await client.GetAsync("/bookings/7");
        var server = await SpanAsync(spans, s => s.Kind == ActivityKind.Server && s.GetTagItem("http.route") as string == "/bookings/{id}");

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal(ActivityStatusCode.Error, server.Status);
        Assert.Equal(500, Convert.ToInt32(server.GetTagItem("http.response.status_code"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Health_probes_are_not_traced()
    {
        await using var rates = await LoopbackApp.StartAsync(_ => { }, app => app.MapGet("/rates", () => "1"));
        var (service, spans) = await ServiceAsync(rates.BaseAddress);
        await using var _ = service;
        using var client = service.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            await client.GetAsync("/health");
            await client.GetAsync("/alive");
        }

        await client.GetStringAsync("/quotes/1");
        await SpanAsync(spans, s => s.GetTagItem("http.route") as string == "/quotes/{unitId}");

        // Only this service's spans: the SDK's listener also sees servers that other tests run at the same time.
        var servedPaths = spans
            .Where(s => s.Kind == ActivityKind.Server && Convert.ToInt32(s.GetTagItem("server.port"), System.Globalization.CultureInfo.InvariantCulture) == service.BaseAddress.Port)
            .Select(s => s.GetTagItem("url.path") as string)
            .ToList();
        Assert.Contains("/quotes/1", servedPaths);
        Assert.DoesNotContain("/health", servedPaths);
        Assert.DoesNotContain("/alive", servedPaths);
    }

    [Fact]
    public async Task The_service_reports_under_the_name_the_AppHost_gives_it()
    {
        await using var rates = await LoopbackApp.StartAsync(_ => { }, app => app.MapGet("/rates", () => "1"));
        var (service, _) = await ServiceAsync(rates.BaseAddress);
        await using var __ = service;

        var resource = service.App.Services.GetRequiredService<TracerProvider>().GetResource();

        Assert.Contains(resource.Attributes, a => a.Key == "service.name" && (string)a.Value == "quotes");
    }

    private static async Task<Activity> SpanAsync(ConcurrentQueue<Activity> spans, Func<Activity, bool> match)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (spans.FirstOrDefault(match) is { } span)
            {
                return span;
            }

            await Task.Delay(20);
        }

        throw new Xunit.Sdk.XunitException($"No matching span among: {string.Join(", ", spans.Select(s => s.DisplayName + "[" + s.Kind + " " + string.Join(";", s.TagObjects.Select(t => t.Key + "=" + t.Value)) + "]"))}");
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using HexProperty.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace HexProperty.ServiceDefaults.Tests;

/// <summary>
/// Runs alone: an activity is recorded when any tracer provider in the process samples it, and every provider then
/// exports it, so another test's service running meanwhile would keep this one's requests too.
/// </summary>
[CollectionDefinition(nameof(SamplingTests), DisableParallelization = true)]
public sealed class SamplingCollection;

[Collection(nameof(SamplingTests))]
public sealed class SamplingTests
{
    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;

        public void Advance(TimeSpan by) => Ticks += by.Ticks;
    }

    private static int Kept(Sampler sampler, int decisions)
    {
        var kept = 0;
        for (var i = 0; i < decisions; i++)
        {
            var parameters = new SamplingParameters(default, ActivityTraceId.CreateRandom(), "GET /", ActivityKind.Server);
            kept += sampler.ShouldSample(parameters).Decision == SamplingDecision.RecordAndSample ? 1 : 0;
        }

        return kept;
    }

    [Fact]
    public void Below_the_rate_every_trace_is_kept_and_above_it_the_rate_is()
    {
        var clock = new ManualClock();
        var sampler = new RateLimitedSampler(100, clock);

        Assert.Equal(60, Kept(sampler, 60)); // a burst under a second's worth
        Assert.Equal(40, Kept(sampler, 1_000)); // the rest of the second's worth, then nothing
        clock.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(25, Kept(sampler, 1_000)); // a quarter of a second refills a quarter
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(100, Kept(sampler, 1_000)); // an idle spell does not save up more than a second's worth
    }

    [Fact]
    public void A_rate_of_zero_or_less_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitedSampler(0, TimeProvider.System));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitedSampler(-1, TimeProvider.System));
    }

    [Fact]
    public async Task A_service_keeps_its_configured_rate_of_new_traces_but_follows_a_caller_that_sampled()
    {
        var spans = new ConcurrentQueue<Activity>();
        await using var service = await LoopbackApp.StartAsync(
            builder =>
            {
                builder.AddServiceDefaults();
                builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new SimpleActivityExportProcessor(new CollectingExporter(spans))));
            },
            app => app.MapGet("/sampled/{n}", (int n) => Results.Text(n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            settings: new() { ["Telemetry:TracesPerSecond"] = "2", ["OTEL_TRACES_SAMPLER"] = "always_on" });
        using var client = service.CreateClient();

        var elapsed = Stopwatch.StartNew();
        for (var i = 0; i < 40; i++)
        {
            await client.GetStringAsync($"/sampled/{i}");
        }

        // A caller's sampled trace is continued even with the bucket empty: a trace is whole across services.
        // (A client that sends the header as written: HttpClient would otherwise put this process's own context there.)
        var callerTrace = ActivityTraceId.CreateRandom();
        using (var caller = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = service.BaseAddress })
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/sampled/1000"))
        {
            request.Headers.Add("traceparent", $"00-{callerTrace}-{ActivitySpanId.CreateRandom()}-01");
            (await caller.SendAsync(request)).EnsureSuccessStatusCode();
        }

        // Spans are exported as each request ends; the SDK's listener also sees other tests' servers, so count this one's.
        bool Mine(Activity s) => s.Kind == ActivityKind.Server && s.GetTagItem("http.route") as string == "/sampled/{n}"
            && Convert.ToInt32(s.GetTagItem("server.port"), System.Globalization.CultureInfo.InvariantCulture) == service.BaseAddress.Port;
        var deadline = Stopwatch.StartNew();
        while (!spans.Any(s => Mine(s) && s.TraceId == callerTrace) && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        var kept = spans.Where(Mine).ToList();
        Assert.Contains(kept, s => s.TraceId == callerTrace);
        var newTraces = kept.Count(s => s.TraceId != callerTrace);
        // Two a second: the first two at once, then one more per half second the requests took.
        var allowed = 2 + (int)Math.Ceiling(elapsed.Elapsed.TotalSeconds * 2);
        Assert.InRange(newTraces, 2, 40 - 1);
        Assert.True(newTraces <= allowed, $"{newTraces} new traces kept, at most {allowed} allowed");
    }
}

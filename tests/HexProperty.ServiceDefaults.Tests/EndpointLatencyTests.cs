using HexProperty.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HexProperty.ServiceDefaults.Tests;

public sealed class EndpointLatencyTests
{
    [Fact]
    public void Percentiles_are_nearest_rank_over_the_latest_requests_of_each_route()
    {
        using var latency = new EndpointLatency();
        for (var ms = 1; ms <= 100; ms++)
        {
            latency.Record([new("http.route", "/a"), new("http.request.method", "GET")], ms / 1000.0);
        }

        // Older requests fall out of the window: after 1024 more at 500 ms, only those count.
        for (var i = 0; i < EndpointLatency.SamplesPerEndpoint; i++)
        {
            latency.Record([new("http.route", "/b"), new("http.request.method", "POST")], i < 100 ? 5.0 : 0.5);
        }

        var snapshot = latency.Snapshot();
        var a = Assert.Single(snapshot, s => s.Route == "/a");
        Assert.Equal(("GET", 100L, 100), (a.Method, a.Requests, a.Window));
        Assert.Equal(50, a.P50Ms);
        Assert.Equal(95, a.P95Ms);
        Assert.Equal(99, a.P99Ms);
        var b = Assert.Single(snapshot, s => s.Route == "/b");
        Assert.Equal(500, b.P50Ms);
        Assert.Equal(5000, b.P99Ms);
        Assert.Equal("/b", snapshot[0].Route); // slowest p95 first
    }

    [Fact]
    public async Task A_service_records_its_own_requests_by_route_from_the_framework_histogram()
    {
        await using var service = await LoopbackApp.StartAsync(
            builder => builder.AddServiceDefaults(),
            app =>
            {
                app.MapGet("/slow/{id:int}", async (int id) =>
                {
                    await Task.Delay(60);
                    return id;
                });
                app.MapDefaultEndpoints();
            });
        using var client = service.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            (await client.GetAsync($"/slow/{i}")).EnsureSuccessStatusCode();
        }

        // The framework records a request's duration as its response completes, a moment after the client has it.
        var latency = service.App.Services.GetRequiredService<EndpointLatency>();
        EndpointLatencySnapshot? slow = null;
        for (var wait = 0; wait < 50 && slow?.Requests != 5; wait++)
        {
            await Task.Delay(40);
            slow = latency.Snapshot().SingleOrDefault(s => s.Route == "/slow/{id:int}");
        }

        Assert.NotNull(slow);
        Assert.Equal(5, slow.Requests);
        Assert.InRange(slow.P50Ms, 55, 5000);
    }
}

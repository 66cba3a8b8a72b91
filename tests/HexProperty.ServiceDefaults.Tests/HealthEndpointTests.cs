using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace HexProperty.ServiceDefaults.Tests;

public sealed class HealthEndpointTests
{
    private static Task<LoopbackApp> ServiceAsync(Action<IHealthChecksBuilder> checks, Dictionary<string, string?>? settings = null) =>
        LoopbackApp.StartAsync(
            builder =>
            {
                builder.AddServiceDefaults();
                checks(builder.Services.AddHealthChecks());
            },
            app => app.MapDefaultEndpoints(),
            environment: "Production",
            settings);

    [Fact]
    public async Task Alive_calls_no_dependency_while_health_reports_each_one()
    {
        var databaseCalls = 0;
        await using var service = await ServiceAsync(checks => checks.AddCheck("hexdb", () =>
        {
            Interlocked.Increment(ref databaseCalls);
            return HealthCheckResult.Unhealthy("connection refused");
        }));
        using var client = service.CreateClient();

        using var alive = await client.GetAsync("/alive");
        var callsAfterAlive = databaseCalls;
        using var health = await client.GetAsync("/health");
        var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(0, callsAfterAlive);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("Unhealthy", report.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", report.GetProperty("checks").GetProperty("hexdb").GetProperty("status").GetString());
        Assert.Equal("connection refused", report.GetProperty("checks").GetProperty("hexdb").GetProperty("description").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("self").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Health_endpoints_exist_outside_development()
    {
        await using var service = await ServiceAsync(_ => { });
        using var client = service.CreateClient();

        Assert.Equal("Production", service.App.Environment.EnvironmentName);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
    }

    [Fact]
    public async Task A_dependency_that_hangs_is_reported_unhealthy_within_its_timeout()
    {
        await using var service = await ServiceAsync(checks => checks.AddAsyncCheck("cache", async token =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return HealthCheckResult.Healthy();
        }));
        using var client = service.CreateClient();

        var clock = Stopwatch.StartNew();
        using var health = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.InRange(clock.Elapsed, Health.HealthEndpoints.DefaultCheckTimeout - TimeSpan.FromMilliseconds(100), Health.HealthEndpoints.DefaultCheckTimeout * 3);
    }
}

using System.Diagnostics;
using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using HexProperty.ServiceDefaults.Health;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HexProperty.ServiceDefaults.Tests;

public sealed class HealthEndpointTests
{
    private const string OperatorHeader = "X-Test-Operator";

    /// <summary>A service with the defaults, and a stand-in sign-in: a request with <see cref="OperatorHeader"/> is an
    /// operator, whom the service admits to the health detail (as the Api admits its operators).</summary>
    private static Task<LoopbackApp> ServiceAsync(Action<IHealthChecksBuilder> checks) =>
        LoopbackApp.StartAsync(
            builder =>
            {
                builder.AddServiceDefaults();
                checks(builder.Services.AddHealthChecks());
                builder.Services.AddAuthentication("test").AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>("test", null);
                builder.Services.AddAuthorizationBuilder().AddPolicy(HealthResponses.DetailPolicy, policy => policy.RequireClaim("operator", "true"));
            },
            app =>
            {
                app.UseAuthentication();
                app.MapDefaultEndpoints();
            },
            environment: "Production");

    [Fact]
    public async Task Alive_calls_no_dependency_while_health_checks_each_one()
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

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(0, callsAfterAlive);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(1, databaseCalls);
    }

    [Fact]
    public async Task Anyone_reads_the_status_alone_and_only_an_operator_reads_which_dependency_failed_and_why()
    {
        await using var service = await ServiceAsync(checks => checks.AddCheck("hexdb", () =>
            HealthCheckResult.Unhealthy("password authentication failed for user postgres", new InvalidOperationException("at 127.0.0.1:5432"))));
        using var client = service.CreateClient();

        using var anonymous = await client.GetAsync("/health");
        using var asOperator = new HttpRequestMessage(HttpMethod.Get, "/health") { Headers = { { OperatorHeader, "true" } } };
        using var detailed = await client.SendAsync(asOperator);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, anonymous.StatusCode);
        Assert.Equal("Unhealthy", await anonymous.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, detailed.StatusCode);
        var report = JsonDocument.Parse(await detailed.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Unhealthy", report.GetProperty("status").GetString());
        var hexdb = report.GetProperty("checks").GetProperty("hexdb");
        Assert.Equal("password authentication failed for user postgres", hexdb.GetProperty("description").GetString());
        Assert.Equal("at 127.0.0.1:5432", hexdb.GetProperty("error").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("self").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_signed_in_caller_who_is_not_an_operator_reads_the_status_alone()
    {
        await using var service = await ServiceAsync(checks => checks.AddCheck("cache", () => HealthCheckResult.Unhealthy("redis at 127.0.0.1:6379 refused")));
        using var client = service.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health") { Headers = { { OperatorHeader, "false" } } };

        using var response = await client.SendAsync(request);

        Assert.Equal("Unhealthy", await response.Content.ReadAsStringAsync());
    }

    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(Request.Headers.TryGetValue(OperatorHeader, out var value)
                ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim("operator", value.ToString())], "test")), "test"))
                : AuthenticateResult.NoResult());
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
        Assert.InRange(clock.Elapsed, HealthResponses.DefaultCheckTimeout - TimeSpan.FromMilliseconds(100), HealthResponses.DefaultCheckTimeout * 3);
    }
}

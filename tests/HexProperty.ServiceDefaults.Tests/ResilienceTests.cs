using System.Net;
using System.Net.Sockets;
using HexProperty.ServiceDefaults.Resilience;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Polly.CircuitBreaker;

namespace HexProperty.ServiceDefaults.Tests;

/// <summary>The service defaults' HTTP clients: Microsoft's standard resilience handler with service discovery inside it.</summary>
public sealed class ResilienceTests
{
    /// <summary>A service with two clients of the logical service "rates": "api" with its own handler, "other" with the shared one.</summary>
    private static Task<LoopbackApp> ServiceAsync(Dictionary<string, string?> settings) =>
        LoopbackApp.StartAsync(
            builder =>
            {
                builder.AddServiceDefaults();
                builder.Services.AddHttpClient("api", client => client.BaseAddress = new Uri("http://rates")).AddOwnResilienceHandler(builder.Configuration);
                builder.Services.AddHttpClient("other", client => client.BaseAddress = new Uri("http://rates"));
            },
            app => app.MapDefaultEndpoints(),
            settings: settings);

    [Fact]
    public async Task A_client_with_its_own_handler_takes_its_options_from_configuration_and_has_its_own_circuit()
    {
        var attempts = 0;
        await using var rates = await LoopbackApp.StartAsync(_ => { }, app => app.MapGet("/rates", () =>
        {
            Interlocked.Increment(ref attempts);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }));
        await using var service = await ServiceAsync(new()
        {
            ["services:rates:http:0"] = rates.BaseAddress.ToString(),
            ["HttpClients:api:Resilience:Retry:MaxRetryAttempts"] = "1",
            ["HttpClients:api:Resilience:Retry:Delay"] = "00:00:00.010",
            ["HttpClientDefaults:Resilience:Retry:Delay"] = "00:00:00.010",
        });
        var clients = service.App.Services.GetRequiredService<IHttpClientFactory>();

        using var own = await clients.CreateClient("api").GetAsync("/rates");
        var ownAttempts = Interlocked.Exchange(ref attempts, 0);
        using var shared = await clients.CreateClient("other").GetAsync("/rates");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, own.StatusCode);
        Assert.Equal(2, ownAttempts); // one retry, as configured for "api"
        Assert.Equal(4, attempts); // the standard handler's three retries
        var circuits = service.App.Services.GetRequiredService<HttpCircuitStates>().States;
        Assert.Equal(CircuitState.Closed, circuits["api"]);
        Assert.Equal(CircuitState.Closed, circuits[HttpCircuitStates.DefaultPipeline]);
    }

    [Theory]
    [InlineData("api")]
    [InlineData("other")]
    public async Task A_retry_resolves_the_service_again_so_a_replica_that_is_down_costs_no_failed_call(string client)
    {
        var served = 0;
        await using var live = await LoopbackApp.StartAsync(_ => { }, app => app.MapGet("/rates", () =>
        {
            Interlocked.Increment(ref served);
            return "120.00";
        }));
        await using var service = await ServiceAsync(new()
        {
            ["services:rates:http:0"] = $"http://127.0.0.1:{ClosedPort()}",
            ["services:rates:http:1"] = live.BaseAddress.ToString(),
            ["HttpClients:api:Resilience:Retry:Delay"] = "00:00:00.010",
            ["HttpClientDefaults:Resilience:Retry:Delay"] = "00:00:00.010",
        });
        var http = service.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient(client);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("120.00", await http.GetStringAsync("/rates"));
        }

        Assert.Equal(10, served);
    }

    /// <summary>A loopback port nothing listens on: bound for a moment, then released.</summary>
    private static int ClosedPort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HexProperty.ServiceDefaults.Tests;

/// <summary>Service defaults end to end over real HTTP: two replicas of a service behind <c>http://api</c>.</summary>
public sealed class ServiceDiscoveryPipelineTests
{
    private static Task<LoopbackApp> ReplicaAsync(string name, int status) =>
        LoopbackApp.StartAsync(_ => { }, app => app.MapGet("/whoami", () => Results.Text(name, statusCode: status)));

    private static IHost Caller(params LoopbackApp[] replicas)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        for (var i = 0; i < replicas.Length; i++)
        {
            builder.Configuration[$"services:api:http:{i}"] = replicas[i].BaseAddress.ToString().TrimEnd('/');
        }

        builder.AddServiceDefaults();
        builder.Services.AddHttpClient("api", client => client.BaseAddress = new Uri("http://api"));
        return builder.Build();
    }

    [Fact]
    public async Task Requests_to_the_logical_name_are_spread_over_the_replicas()
    {
        await using var first = await ReplicaAsync("first", 200);
        await using var second = await ReplicaAsync("second", 200);
        using var caller = Caller(first, second);
        var client = caller.Services.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await client.GetStringAsync("/whoami"));
        }

        Assert.Equal(2, answers.Count(a => a == "first"));
        Assert.Equal(2, answers.Count(a => a == "second"));
    }

    [Fact]
    public async Task A_retry_goes_to_the_next_replica()
    {
        await using var failing = await ReplicaAsync("failing", 503);
        await using var healthy = await ReplicaAsync("healthy", 200);
        using var caller = Caller(failing, healthy);
        var client = caller.Services.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync("/whoami");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("healthy", await response.Content.ReadAsStringAsync());
        }
    }
}

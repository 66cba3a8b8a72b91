using System.Diagnostics;
using System.Net;
using HexProperty.ServiceDefaults.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace HexProperty.ServiceDefaults.Tests;

public sealed class ResilienceHandlerTests
{
    private static (IHttpClientFactory Factory, ServiceProvider Services) Client(
        ScriptedHandler handler, Action<HttpStandardResilienceOptions>? configure = null, Dictionary<string, string?>? configuration = null, bool alsoAsDefault = false)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration ?? []).Build());
        services.AddLogging();
        services.AddMetrics();
        if (alsoAsDefault)
        {
            services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler(Fast));
        }

        services.AddHttpClient("catalog")
            .AddStandardResilienceHandler(o =>
            {
                Fast(o);
                configure?.Invoke(o);
            })
            .ConfigurePrimaryHttpMessageHandler(() => handler);
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<IHttpClientFactory>(), provider);
    }

    // Short delays keep the tests quick; the strategies and their order are the standard ones.
    private static void Fast(HttpStandardResilienceOptions o)
    {
        o.Retry.Delay = TimeSpan.FromMilliseconds(5);
        o.Retry.UseJitter = false;
    }

    private static Task<HttpResponseMessage> GetAsync(IHttpClientFactory factory) => factory.CreateClient("catalog").GetAsync("http://catalog.test/items");

    [Fact]
    public async Task Retries_transient_failures_until_one_succeeds()
    {
        var handler = new ScriptedHandler(
            ScriptedHandler.Status(HttpStatusCode.ServiceUnavailable),
            (_, _) => throw new HttpRequestException("connection reset"),
            ScriptedHandler.Status(HttpStatusCode.OK));
        var (factory, services) = Client(handler);
        await using var _ = services;

        using var response = await GetAsync(factory);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, handler.Attempts);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Conflict)]
    public async Task Does_not_retry_client_errors(HttpStatusCode status)
    {
        var handler = new ScriptedHandler(ScriptedHandler.Status(status));
        var (factory, services) = Client(handler);
        await using var _ = services;

        using var response = await GetAsync(factory);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(1, handler.Attempts);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Gives_up_after_three_retries_with_the_last_answer(HttpStatusCode status)
    {
        var handler = new ScriptedHandler(ScriptedHandler.Status(status));
        var (factory, services) = Client(handler);
        await using var _ = services;

        using var response = await GetAsync(factory);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(4, handler.Attempts);
    }

    [Fact]
    public async Task Waits_as_long_as_Retry_After_asks()
    {
        var handler = new ScriptedHandler(
            (_, _) =>
            {
                var busy = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
                busy.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
                return Task.FromResult(busy);
            },
            ScriptedHandler.Status(HttpStatusCode.OK));
        var (factory, services) = Client(handler);
        await using var _ = services;

        var clock = Stopwatch.StartNew();
        using var response = await GetAsync(factory);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"retried after {clock.ElapsedMilliseconds} ms, before the 1 s the server asked for");
    }

    [Fact]
    public async Task Unsafe_methods_are_not_retried_when_disabled_but_idempotent_ones_are()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Status(HttpStatusCode.BadGateway));
        var (factory, services) = Client(handler, o => o.Retry.DisableForUnsafeHttpMethods = true);
        await using var _ = services;
        var client = factory.CreateClient("catalog");

        using var post = await client.PostAsync("http://catalog.test/bookings", new StringContent("{}"));
        var afterPost = handler.Attempts;
        using var put = await client.PutAsync("http://catalog.test/bookings/1", new StringContent("{}"));

        Assert.Equal(1, afterPost);
        Assert.Equal(1 + 4, handler.Attempts);
    }

    [Fact]
    public async Task A_slow_attempt_is_abandoned_and_retried()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Hang(), ScriptedHandler.Status(HttpStatusCode.OK));
        var (factory, services) = Client(handler, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(200));
        await using var _ = services;

        using var response = await GetAsync(factory);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, handler.Attempts);
    }

    [Fact]
    public async Task The_total_timeout_bounds_the_whole_call()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Hang());
        var (factory, services) = Client(handler, o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.TotalRequestTimeout = TimeSpan.FromMilliseconds(300);
        });
        await using var _ = services;

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => GetAsync(factory));

        Assert.Equal(1, handler.Attempts);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task The_circuit_opens_after_failures_and_stays_open_for_every_client_instance()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Status(HttpStatusCode.InternalServerError));
        var (factory, services) = Client(handler, o =>
        {
            o.Retry.MaxRetryAttempts = 0;
            o.CircuitBreaker.MinimumThroughput = 2;
            o.CircuitBreaker.FailureRatio = 0.5;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
        });
        await using var _ = services;

        (await GetAsync(factory)).Dispose();
        (await GetAsync(factory)).Dispose();
        await Assert.ThrowsAsync<BrokenCircuitException>(() => GetAsync(factory));
        // A client created later (handlers are recycled by the factory) shares the same breaker.
        await Assert.ThrowsAsync<BrokenCircuitException>(() => factory.CreateClient("catalog").GetAsync("http://catalog.test/other"));

        Assert.Equal(2, handler.Attempts);
        Assert.Equal(CircuitState.Open, services.GetRequiredService<HttpResiliencePipelines>().CircuitStates["catalog"]);
    }

    [Fact]
    public async Task Requests_beyond_the_concurrency_limit_are_rejected_without_being_sent()
    {
        var release = new TaskCompletionSource();
        var handler = new ScriptedHandler(async (_, token) =>
        {
            await release.Task.WaitAsync(token);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        var (factory, services) = Client(handler, o => o.ConcurrencyLimit = 1);
        await using var _ = services;

        var first = GetAsync(factory);
        while (handler.Attempts == 0)
        {
            await Task.Delay(10);
        }

        var rejected = await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(factory));
        release.SetResult();
        using var response = await first;

        Assert.Contains("limit", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public async Task Configuration_overrides_code_for_one_client()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Status(HttpStatusCode.ServiceUnavailable));
        var (factory, services) = Client(handler, configuration: new()
        {
            [ResilienceHttpClientBuilderExtensions.ConfigurationSection("catalog") + ":Retry:MaxRetryAttempts"] = "1",
        });
        await using var _ = services;

        (await GetAsync(factory)).Dispose();

        Assert.Equal(2, handler.Attempts);
    }

    [Fact]
    public async Task A_client_configured_by_default_and_by_name_gets_one_pipeline()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Status(HttpStatusCode.ServiceUnavailable));
        var (factory, services) = Client(handler, alsoAsDefault: true);
        await using var _ = services;

        (await GetAsync(factory)).Dispose();

        // Two stacked pipelines would make 4 x 4 = 16 attempts.
        Assert.Equal(4, handler.Attempts);
    }
}

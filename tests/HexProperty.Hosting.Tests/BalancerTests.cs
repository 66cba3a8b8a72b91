using System.Net;
using System.Net.Sockets;
using HexProperty.Hosting.Balancing;
using HexProperty.Testing;

namespace HexProperty.Hosting.Tests;

/// <summary>
/// The balancer's generated HAProxy configuration, rule by rule, against Debian's HAProxy and two stand-in replicas:
/// each algorithm's distribution, health checks, stickiness, which failed requests are replayed on another replica,
/// the edge cache and the forwarded client address. The whole system behind it is tested in HexProperty.AppHost.Tests.
/// </summary>
public sealed class BalancerTests
{
    /// <summary>Fast checks, so a test sees a replica go and come back in about a second; the defaults are seed 001's (5 s).</summary>
    private static BalancerSettings Settings(Action<BalancerSettings>? change = null)
    {
        var settings = new BalancerSettings { CheckInterval = TimeSpan.FromMilliseconds(200) };
        change?.Invoke(settings);
        settings.Validate("svc");
        return settings;
    }

    [Fact]
    public async Task Round_robin_sends_each_replica_the_same_share()
    {
        await using var haproxy = await HaproxyHarness.StartAsync(Settings());
        var answers = await WhoAsync(haproxy, 40);
        Assert.Equal(20, answers.Count(a => a == "b1"));
        Assert.Equal(20, answers.Count(a => a == "b2"));
    }

    [Fact]
    public async Task Weighted_round_robin_follows_the_weights()
    {
        await using var haproxy = await HaproxyHarness.StartAsync(Settings(s => (s.Algorithm, s.Weights) = (BalancingAlgorithm.Weighted, [3, 1])));
        var answers = await WhoAsync(haproxy, 80);
        // 60 to 20, give or take the one request HAProxy's weighted tree may place differently in its first cycle
        // (2.6 gives 31 of the first 40 to b1); 2:1 would be 53 and 4:1 64.
        Assert.InRange(answers.Count(a => a == "b1"), 59, 61);
        Assert.Equal(80, answers.Count(a => a is "b1" or "b2"));
    }

    [Fact]
    public async Task Least_connections_keeps_new_requests_off_the_replica_that_is_busy()
    {
        await using var haproxy = await HaproxyHarness.StartAsync(Settings(s => s.Algorithm = BalancingAlgorithm.LeastConnections));
        using var client = new HttpClient { BaseAddress = haproxy.Address };
        var busy = client.GetStringAsync("/hold?ms=3000");
        await Eventually.TrueAsync(() => haproxy.Backends.Sum(b => b.Requests) == 1, "the long request did not arrive");
        var busyReplica = haproxy.Backends.Single(b => b.Requests == 1).Name;

        var answers = await WhoAsync(haproxy, 10);
        Assert.All(answers, a => Assert.NotEqual(busyReplica, a)); // round robin would have sent it 5 of them
        Assert.Equal(busyReplica, await busy);
    }

    [Fact]
    public async Task Source_hashing_keeps_each_client_address_on_one_replica_and_spreads_the_addresses()
    {
        await using var haproxy = await HaproxyHarness.StartAsync(Settings(s => s.Algorithm = BalancingAlgorithm.SourceHash));
        var chosen = new Dictionary<string, string>();
        for (var host = 2; host < 18; host++)
        {
            var address = IPAddress.Parse($"127.0.0.{host}");
            using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = (context, token) => ConnectFromAsync(address, context, token) }) { BaseAddress = haproxy.Address };
            var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.GetStringAsync("/who")));
            Assert.Single(answers.Distinct());
            chosen[address.ToString()] = answers[0];
        }

        Assert.Equal(["b1", "b2"], chosen.Values.Distinct().Order());
    }

    [Fact]
    public async Task A_replica_failing_its_health_check_is_taken_out_after_three_checks_and_back_after_two()
    {
        await using var haproxy = await HaproxyHarness.StartAsync(Settings());
        var b1 = haproxy.Backends[0];
        b1.Healthy = false;
        await Eventually.TrueAsync(async () => (await haproxy.ServerStatesAsync())["b1"] == "DOWN", "b1 was not taken out");
        Assert.All(await WhoAsync(haproxy, 10), a => Assert.Equal("b2", a));

        b1.Healthy = true;
        await haproxy.WaitUntilUpAsync("b1");
        Assert.Contains("b1", await WhoAsync(haproxy, 4));
    }

    [Fact]
    public async Task A_replica_that_comes_back_gets_its_share_step_by_step_under_slow_start()
    {
        await using var haproxy = await HaproxyHarness.StartAsync(Settings(s => s.SlowStart = TimeSpan.FromSeconds(8)));
        var b1 = haproxy.Backends[0];
        b1.Healthy = false;
        await Eventually.TrueAsync(async () => (await haproxy.ServerStatesAsync())["b1"] == "DOWN", "b1 was not taken out");
        b1.Healthy = true;
        await haproxy.WaitUntilUpAsync("b1");

        // Round robin would give it 10 of 20 at once (the test above); ramping, it starts at a small part of that.
        var justBack = await WhoAsync(haproxy, 20);
        Assert.InRange(justBack.Count(a => a == "b1"), 0, 7);
        await Eventually.TrueAsync(async () => (await WhoAsync(haproxy, 20)).Count(a => a == "b1") == 10,
            "b1 never got its full share back", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_read_a_dying_replica_drops_is_answered_by_the_other_replica()
    {
        await using var haproxy = await HaproxyHarness.StartAsync(Settings(s => s.CheckInterval = TimeSpan.FromSeconds(30)));
        haproxy.Backends[0].DiesMidRequest = true;
        var answers = await WhoAsync(haproxy, 20); // every one that reached b1 was replayed on b2
        Assert.All(answers, a => Assert.Equal("b2", a));
        Assert.True(haproxy.Backends[0].Requests >= 1, "no request reached the dying replica");
    }

    [Fact]
    public async Task A_write_is_replayed_on_another_replica_only_when_it_carries_an_Idempotency_Key()
    {
        await using var haproxy = await HaproxyHarness.StartAsync(Settings(s => s.CheckInterval = TimeSpan.FromSeconds(30)));
        var (b1, b2) = (haproxy.Backends[0], haproxy.Backends[1]);
        b1.DiesMidRequest = true;

        // Each write on a connection of its own: on a reused keep-alive connection HAProxy closes without an answer,
        // as it should, and .NET's HttpClient then sends the request again by itself, which would hide what the
        // balancer does. Without a key the balancer cannot know whether the write took effect: the client gets a 502.
        var plain = new List<HttpStatusCode>();
        while (b1.Requests == 0)
        {
            plain.Add(await WriteAsync(haproxy, key: null));
        }

        Assert.Equal(HttpStatusCode.BadGateway, plain[^1]);
        Assert.Equal(plain.Count - 1, b2.Requests);

        // With one, the write goes on to the other replica, which the key lets answer without a second effect.
        var (b1Before, b2Before) = (b1.Requests, b2.Requests);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await WriteAsync(haproxy, key: $"key-{Guid.NewGuid()}"));
        }

        Assert.True(b1.Requests > b1Before, "no keyed write reached the dying replica");
        Assert.Equal(b2Before + 4, b2.Requests);
    }

    [Fact]
    public async Task A_sticky_cookie_keeps_a_browser_on_its_replica_until_that_replica_goes()
    {
        await using var haproxy = await HaproxyHarness.StartAsync(Settings(s => s.StickyFor = TimeSpan.FromHours(1)));
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = haproxy.Address };
        var first = await browser.GetStringAsync("/who");
        var cookie = Assert.Single(cookies.GetAllCookies(), c => c.Name == "hex-replica");
        Assert.True(cookie.HttpOnly);
        Assert.All(await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => browser.GetStringAsync("/who"))), a => Assert.Equal(first, a));
        Assert.Equal(["b1", "b2"], (await WhoAsync(haproxy, 4)).Distinct().Order()); // a client without the cookie is balanced

        var mine = haproxy.Backends.Single(b => b.Name == first);
        mine.Healthy = false;
        await Eventually.TrueAsync(async () => (await haproxy.ServerStatesAsync())[first] == "DOWN", $"{first} was not taken out");
        var other = await browser.GetStringAsync("/who");
        Assert.NotEqual(first, other);
        Assert.All(await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => browser.GetStringAsync("/who"))), a => Assert.Equal(other, a));
    }

    [Fact]
    public async Task Paths_every_replica_answers_alike_are_balanced_without_the_sticky_cookie_and_follow_the_replicas_health()
    {
        await using var haproxy = await HaproxyHarness.StartAsync(Settings(s => (s.StickyFor, s.AnyReplicaPaths) = (TimeSpan.FromHours(1), ["/cache", ".none"])));
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = haproxy.Address };
        await browser.GetStringAsync("/who");
        Assert.Single(cookies.GetAllCookies(), c => c.Name == "hex-replica");

        // With the cookie or without, the file goes to either replica and comes back as the replica sent it: no cookie
        // set, not made private.
        using var anonymous = new HttpClient { BaseAddress = haproxy.Address };
        var answers = new List<string>();
        foreach (var client in new[] { browser, anonymous, browser, anonymous, browser, anonymous })
        {
            using var response = await client.GetAsync("/cacheable");
            Assert.False(response.Headers.Contains("Set-Cookie"));
            Assert.Equal("public, max-age=60", response.Headers.CacheControl?.ToString());
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(["b1", "b2"], answers.Distinct().Order());

        // A replica the checks take out is out for these paths too.
        haproxy.Backends[0].Healthy = false;
        await Eventually.TrueAsync(async () => (await haproxy.ServerStatesAsync())["b1"] == "DOWN", "b1 was not taken out");
        Assert.All(await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => anonymous.GetStringAsync("/cacheable"))), a => Assert.Equal("b2", a));
    }

    [Fact]
    public async Task The_edge_cache_serves_anonymous_cacheable_reads_revalidates_by_ETag_and_passes_signed_in_calls_through()
    {
        await using var haproxy = await HaproxyHarness.StartAsync(Settings(s => s.CacheMegabytes = 8));
        using var client = new HttpClient { BaseAddress = haproxy.Address };
        using (var first = await client.GetAsync("/cacheable"))
        {
            Assert.False(first.Headers.Contains("X-Cache"));
        }

        for (var i = 0; i < 5; i++)
        {
            using var again = await client.GetAsync("/cacheable");
            Assert.Equal("hit", again.Headers.GetValues("X-Cache").Single());
            Assert.Equal("\"v1\"", again.Headers.ETag?.Tag);
        }

        Assert.Equal(1, haproxy.Backends.Sum(b => b.Requests));

        using (var revalidate = new HttpRequestMessage(HttpMethod.Get, "/cacheable") { Headers = { { "If-None-Match", "\"v1\"" } } })
        using (var notModified = await client.SendAsync(revalidate))
        {
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        using (var signedIn = new HttpRequestMessage(HttpMethod.Get, "/cacheable") { Headers = { { "Authorization", "Bearer x" } } })
        using (var passed = await client.SendAsync(signedIn))
        {
            Assert.False(passed.Headers.Contains("X-Cache"));
        }

        using (var withCookie = new HttpRequestMessage(HttpMethod.Get, "/cacheable") { Headers = { { "Cookie", "session=1" } } })
        using (var passed = await client.SendAsync(withCookie))
        {
            Assert.False(passed.Headers.Contains("X-Cache"));
        }

        Assert.Equal(3, haproxy.Backends.Sum(b => b.Requests));
    }

    [Fact]
    public async Task The_replica_sees_the_client_s_own_address_whatever_the_client_claims()
    {
        await using var haproxy = await HaproxyHarness.StartAsync(Settings());
        using var client = new HttpClient { BaseAddress = haproxy.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/forwarded") { Headers = { { "X-Forwarded-For", "203.0.113.7" } } };
        using var response = await client.SendAsync(request);
        Assert.Equal("127.0.0.1", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(0, "Replicas")]
    [InlineData(-1, "weight")]
    public void Settings_out_of_range_are_refused_with_their_name(int value, string named)
    {
        var settings = new BalancerSettings();
        if (named == "Replicas")
        {
            settings.Replicas = value;
        }
        else
        {
            settings.Weights = [value];
        }

        Assert.Contains(named, Assert.Throws<InvalidOperationException>(() => settings.Validate("api")).Message);
    }

    /// <summary>Each request on a connection of its own, so the balancer decides each one afresh.</summary>
    private static async Task<List<string>> WhoAsync(HaproxyHarness haproxy, int count)
    {
        var answers = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var client = new HttpClient { BaseAddress = haproxy.Address };
            answers.Add(await client.GetStringAsync("/who"));
        }

        return answers;
    }

    private static async Task<HttpStatusCode> WriteAsync(HaproxyHarness haproxy, string? key)
    {
        using var client = new HttpClient { BaseAddress = haproxy.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/write?id={Guid.NewGuid()}");
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async ValueTask<Stream> ConnectFromAsync(IPAddress source, SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

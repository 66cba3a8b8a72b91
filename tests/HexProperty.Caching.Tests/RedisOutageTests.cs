using System.Diagnostics;
using Microsoft.Extensions.Caching.Hybrid;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace HexProperty.Caching.Tests;

/// <summary>Redis dying or hanging under traffic: no caller notices, and the cache comes back by itself.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisOutageTests(RedisFixture redis, ITestOutputHelper output)
{
    [Fact]
    public async Task Redis_killed_under_traffic_fails_no_call_and_the_cache_reconnects_and_replays_its_invalidations()
    {
        var prefix = CacheNode.NewPrefix();
        await using var a = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        await using var b = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        await a.Cache.GetOrCreateAsync("before", _ => ValueTask.FromResult(1));
        using var traffic = new Traffic(a, b);

        var killed = redis.Kill();
        await a.WaitUntilAsync(() => !a.Cache.IsConnected && !b.Cache.IsConnected, "both nodes to notice");
        await a.Cache.RemoveByTagAsync("property:outage"); // nobody to tell now: queued
        await redis.WaitRestartedAsync(killed);
        var restarted = Stopwatch.StartNew();
        await a.WaitUntilAsync(() => a.Cache.IsConnected && b.Cache.IsConnected, "both nodes to reconnect", TimeSpan.FromSeconds(30));
        restarted.Stop();
        var (calls, failures) = await traffic.StopAsync();

        Assert.Equal(0, failures);
        Assert.True(calls > 100, $"only {calls} calls ran during the outage");
        Assert.NotNull(await a.Redis!.GetDatabase().SortedSetScoreAsync(prefix + "invalidations", "t:property:outage"));
        Assert.Equal(2, await a.Cache.GetOrCreateAsync("before", _ => ValueTask.FromResult(2))); // memory from before the outage is dropped
        Assert.True(restarted.Elapsed < TimeSpan.FromSeconds(30), $"reconnected {restarted.Elapsed} after Redis was back");
        output.WriteLine($"outage: {calls} calls, {failures} failed; both nodes back {restarted.Elapsed.TotalSeconds:0.00} s after Redis answered again");
    }

    [Fact]
    public async Task A_hung_Redis_costs_a_call_at_most_the_timeout_then_nothing_once_the_breaker_opens_and_it_closes_by_itself()
    {
        await using var node = await StartQuickBreakerNodeAsync(breakDuration: TimeSpan.FromSeconds(1));
        using var admin = await ConnectionMultiplexer.ConnectAsync(ConfigurationOptions.Parse(redis.ConnectionString + ",allowAdmin=true"));

        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "2500", "ALL");
        var slowest = TimeSpan.Zero;
        var elapsed = Stopwatch.StartNew();
        var i = 0;
        while (node.Cache.IsConnected && elapsed.Elapsed < TimeSpan.FromSeconds(2))
        {
            var call = Stopwatch.StartNew();
            Assert.Equal(i, await node.Cache.GetOrCreateAsync($"hung:{i}", _ => ValueTask.FromResult(i)));
            slowest = call.Elapsed > slowest ? call.Elapsed : slowest;
            i++;
        }

        Assert.False(node.Cache.IsConnected, "the breaker should have opened");
        var errors = node.Measurements.Sum("hexproperty.cache.redis.errors");
        Assert.Equal(-1, await node.Cache.GetOrCreateAsync("hung:open", _ => ValueTask.FromResult(-1)));
        Assert.Equal(errors, node.Measurements.Sum("hexproperty.cache.redis.errors")); // with the breaker open, Redis is not even tried
        // Without the timeouts a call would wait out the whole pause (2.5 s).
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"the slowest call took {slowest}");
        await node.WaitUntilAsync(() => node.Cache.IsConnected, "the breaker to close after the pause", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_Redis_that_was_only_slow_opens_the_breaker_but_recovery_closes_it_and_the_node_keeps_its_memory()
    {
        await using var node = await StartQuickBreakerNodeAsync(breakDuration: TimeSpan.FromMinutes(5)); // only recovery can close it in time
        using var admin = await ConnectionMultiplexer.ConnectAsync(ConfigurationOptions.Parse(redis.ConnectionString + ",allowAdmin=true"));
        // In memory only, so what is read afterwards can only come from memory (or the factory, if memory was dropped).
        var memoryOnly = new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableDistributedCache };
        for (var i = 0; i < 20; i++)
        {
            await node.Cache.GetOrCreateAsync($"kept:{i}", _ => ValueTask.FromResult(i), memoryOnly);
        }

        // Slow, not gone: calls wait up to 2 s, longer than a request may, but the connections stay up.
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "2000", "ALL");
        var elapsed = Stopwatch.StartNew();
        for (var i = 0; node.Cache.IsConnected && elapsed.Elapsed < TimeSpan.FromSeconds(1.5); i++)
        {
            await node.Cache.GetOrCreateAsync($"slow:{i}", _ => ValueTask.FromResult(i));
        }

        Assert.False(node.Cache.IsConnected, $"the breaker should have opened ({elapsed.Elapsed}, {node.Cache.DistributedBreakerState}, {node.Measurements.Sum("hexproperty.cache.redis.errors")} errors)");
        await node.WaitUntilAsync(() => node.Cache.IsConnected, "recovery once Redis answers", TimeSpan.FromSeconds(10));
        Assert.Equal("Closed", node.Cache.DistributedBreakerState);

        // No message can have been missed, so nothing was dropped (before, recovery dropped memory: all 20 refilled).
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(i, await node.Cache.GetOrCreateAsync($"kept:{i}", _ => ValueTask.FromResult(-1), memoryOnly));
        }
    }

    /// <summary>A node whose Redis calls time out after 200 ms and whose breaker opens after two of them.</summary>
    private Task<CacheNode> StartQuickBreakerNodeAsync(TimeSpan breakDuration) =>
        CacheNode.StartAsync(redis.ConnectionString, CacheNode.NewPrefix(), configure: o =>
        {
            o.RedisTimeout = TimeSpan.FromMilliseconds(200);
            o.BreakerMinimumThroughput = 2;
            o.BreakerSamplingDuration = TimeSpan.FromSeconds(2);
            o.BreakerBreakDuration = breakDuration;
        });

    /// <summary>Four callers reading and writing through two nodes until stopped, counting what failed.</summary>
    private sealed class Traffic : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _workers;
        private int _calls;
        private int _failures;

        public Traffic(CacheNode a, CacheNode b)
        {
            _workers = [.. Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
            {
                var node = worker % 2 == 0 ? a : b;
                for (var i = 0; !_stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        var key = $"listing:{i % 50}";
                        var value = await node.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(new Snapshot(key, i)), tags: ["traffic"]);
                        if (value.Name != key)
                        {
                            throw new InvalidOperationException($"{key} answered {value.Name}");
                        }

                        if (i % 10 == 0)
                        {
                            await node.Cache.RemoveByTagAsync("traffic");
                        }

                        Interlocked.Increment(ref _calls);
                    }
                    catch (Exception)
                    {
                        Interlocked.Increment(ref _failures);
                    }

                    await Task.Delay(1);
                }
            }))];
        }

        public async Task<(int Calls, int Failures)> StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_workers);
            return (_calls, _failures);
        }

        public void Dispose() => _stop.Dispose();
    }
}

namespace HexProperty.Caching.Tests;

[Collection(RedisCollection.Name)]
public sealed class MetricsTests(RedisFixture redis)
{
    [Fact]
    public async Task Hits_and_misses_per_layer_and_profile_are_exact_over_a_scripted_sequence()
    {
        var prefix = CacheNode.NewPrefix();
        var settings = new Dictionary<string, string?> { ["Caching:Profiles:details:Expiration"] = "01:00:00" };
        await using var a = await CacheNode.StartAsync(redis.ConnectionString, prefix, settings: settings);
        await using var b = await CacheNode.StartAsync(redis.ConnectionString, prefix, settings: settings);
        ValueTask<int> Load(CancellationToken _) => ValueTask.FromResult(1);

        await a.Cache.GetOrCreateAsync("details:1", Load); // local miss, distributed miss, factory
        await a.Cache.GetOrCreateAsync("details:1", Load); // local hit
        await a.Cache.GetOrCreateAsync("details:1", Load); // local hit
        await b.Cache.GetOrCreateAsync("details:1", Load); // b: local miss, distributed hit
        await b.Cache.GetOrCreateAsync("details:1", Load); // b: local hit
        await a.Cache.GetOrCreateAsync("other:1", Load); // default profile: miss, miss, factory
        var sent = a.Measurements.Sum("hexproperty.cache.backplane.messages", "direction=sent"); // a's start announced a new Redis run
        await a.Cache.RemoveByTagAsync("*");
        await a.Cache.GetOrCreateAsync("details:1", Load); // local miss (invalidated), distributed miss (invalidated), factory

        var m = a.Measurements;
        Assert.Equal(2, m.Sum("hexproperty.cache.lookups", "cache.profile=details", "cache.layer=local", "cache.result=hit"));
        Assert.Equal(2, m.Sum("hexproperty.cache.lookups", "cache.profile=details", "cache.layer=local", "cache.result=miss"));
        Assert.Equal(2, m.Sum("hexproperty.cache.lookups", "cache.profile=details", "cache.layer=distributed", "cache.result=miss"));
        Assert.Equal(0, m.Sum("hexproperty.cache.lookups", "cache.profile=details", "cache.layer=distributed", "cache.result=hit"));
        Assert.Equal(2, m.Sum("hexproperty.cache.factory.duration", "cache.profile=details", "outcome=success"));
        Assert.Equal(1, m.Sum("hexproperty.cache.lookups", "cache.profile=default", "cache.layer=local", "cache.result=miss"));
        Assert.Equal(1, m.Sum("hexproperty.cache.factory.duration", "cache.profile=default"));
        Assert.Equal(sent + 1, m.Sum("hexproperty.cache.backplane.messages", "direction=sent"));
        Assert.Equal(1, b.Measurements.Sum("hexproperty.cache.lookups", "cache.profile=details", "cache.layer=local", "cache.result=hit"));
        Assert.Equal(1, b.Measurements.Sum("hexproperty.cache.lookups", "cache.profile=details", "cache.layer=distributed", "cache.result=hit"));
        Assert.Equal(0, b.Measurements.Sum("hexproperty.cache.factory.duration"));
    }

    [Fact]
    public async Task Statistics_count_what_the_metrics_count_per_profile()
    {
        var settings = new Dictionary<string, string?> { ["Caching:Profiles:details:Expiration"] = "01:00:00" };
        await using var node = await CacheNode.StartAsync(redis.ConnectionString, CacheNode.NewPrefix(), settings: settings);

        for (var i = 0; i < 4; i++)
        {
            await node.Cache.GetOrCreateAsync("details:1", _ => ValueTask.FromResult(1));
        }

        await Assert.ThrowsAsync<TimeoutException>(async () => await node.Cache.GetOrCreateAsync<int>("details:2", _ => throw new TimeoutException()));

        var details = node.Cache.Statistics.Profiles.Single(p => p.Profile == "details");
        Assert.Equal(new CacheProfileStatistics("details", 3, 2, 0, 2, 2, 1, 0), details);
        Assert.Equal(0.6, details.HitRatio, 3);
        Assert.True(node.Cache.Statistics.RedisConnected);
        Assert.Equal(1, node.Cache.Statistics.LocalEntries);
    }

    [Fact]
    public async Task A_disabled_cache_runs_every_factory_and_stores_nothing_but_still_sends_invalidations()
    {
        var prefix = CacheNode.NewPrefix();
        await using var off = await CacheNode.StartAsync(redis.ConnectionString, prefix, configure: o => o.Enabled = false);
        await using var on = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        var calls = 0;
        await on.Cache.GetOrCreateAsync("k", _ => ValueTask.FromResult(1), tags: ["t"]);

        await off.Cache.GetOrCreateAsync("k", _ => ValueTask.FromResult(++calls));
        await off.Cache.GetOrCreateAsync("k", _ => ValueTask.FromResult(++calls));
        await off.Cache.RemoveByTagAsync("t");

        Assert.Equal(2, calls);
        Assert.False(off.Cache.Statistics.Enabled);
        await on.WaitUntilAsync(() => on.Measurements.Sum("hexproperty.cache.backplane.messages", "direction=received") >= 1, "the invalidation");
        Assert.Equal(2, await on.Cache.GetOrCreateAsync("k", _ => ValueTask.FromResult(2), tags: ["t"]));
    }
}

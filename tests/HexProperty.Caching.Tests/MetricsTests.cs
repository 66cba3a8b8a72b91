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
}

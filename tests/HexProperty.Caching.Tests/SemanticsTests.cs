using Microsoft.Extensions.Caching.Hybrid;

namespace HexProperty.Caching.Tests;

/// <summary>What Microsoft's HybridCache promises callers: limits, flags, instance reuse, serializer choice.</summary>
[Collection(RedisCollection.Name)]
public sealed class SemanticsTests(RedisFixture redis)
{
    [Theory]
    [InlineData(1025)]
    [InlineData(0)]
    public async Task A_key_too_long_or_empty_bypasses_the_cache(int length)
    {
        await using var node = await CacheNode.StartAsync(null, CacheNode.NewPrefix());
        var key = new string('k', length);
        var calls = 0;

        for (var i = 0; i < 3; i++)
        {
            await node.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(++calls));
        }

        Assert.Equal(3, calls);
        Assert.Equal(3, node.Measurements.Sum("hexproperty.cache.bypassed", "reason=key"));
    }

    [Fact]
    public async Task A_key_with_a_control_character_bypasses_the_cache()
    {
        await using var node = await CacheNode.StartAsync(null, CacheNode.NewPrefix());
        var calls = 0;

        await node.Cache.GetOrCreateAsync("city:lisbon\n", _ => ValueTask.FromResult(++calls));
        await node.Cache.GetOrCreateAsync("city:lisbon\n", _ => ValueTask.FromResult(++calls));

        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_value_over_the_payload_limit_is_returned_but_not_stored()
    {
        var prefix = CacheNode.NewPrefix();
        await using var node = await CacheNode.StartAsync(redis.ConnectionString, prefix, configure: o => o.MaximumPayloadBytes = 100);
        var calls = 0;

        var first = await node.Cache.GetOrCreateAsync("big", _ => ValueTask.FromResult(new string('x', 200 + ++calls)));
        await node.Cache.GetOrCreateAsync("big", _ => ValueTask.FromResult(new string('x', 200 + ++calls)));

        Assert.Equal(201, first.Length);
        Assert.Equal(2, calls);
        Assert.False(await node.Redis!.GetDatabase().KeyExistsAsync(prefix + "big"));
    }

    [Fact]
    public async Task Immutable_values_are_shared_and_mutable_ones_are_copied_per_caller()
    {
        await using var node = await CacheNode.StartAsync(null, CacheNode.NewPrefix());

        var snapshot1 = await node.Cache.GetOrCreateAsync("snapshot", _ => ValueTask.FromResult(new Snapshot("a", 1)));
        var snapshot2 = await node.Cache.GetOrCreateAsync<Snapshot>("snapshot", _ => throw new InvalidOperationException());
        var listing1 = await node.Cache.GetOrCreateAsync("listing", _ => ValueTask.FromResult(new Listing { Name = "a", Version = 1 }));
        listing1.Version = 99; // a caller changing what it got...
        var listing2 = await node.Cache.GetOrCreateAsync<Listing>("listing", _ => throw new InvalidOperationException());

        Assert.Same(snapshot1, snapshot2);
        Assert.NotSame(listing1, listing2);
        Assert.Equal(1, listing2.Version); // ...changes nothing for the next
    }

    [Fact]
    public async Task Flags_keep_a_call_away_from_the_layers_they_name()
    {
        var prefix = CacheNode.NewPrefix();
        await using var node = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        var db = node.Redis!.GetDatabase();

        await node.Cache.SetAsync("local-only", 1, new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableDistributedCache });
        await node.Cache.SetAsync("remote-only", 2, new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableLocalCache });
        var none = await node.Cache.GetOrCreateAsync<Snapshot?>("absent", _ => throw new InvalidOperationException("no underlying data"),
            new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableUnderlyingData });

        Assert.False(await db.KeyExistsAsync(prefix + "local-only"));
        Assert.Equal(1, await node.Cache.GetOrCreateAsync<int>("local-only", _ => throw new InvalidOperationException()));
        Assert.True(await db.KeyExistsAsync(prefix + "remote-only"));
        Assert.Equal(0, node.Measurements.Sum("hexproperty.cache.lookups", "cache.layer=distributed", "cache.result=hit"));
        Assert.Equal(2, await node.Cache.GetOrCreateAsync<int>("remote-only", _ => throw new InvalidOperationException()));
        Assert.Equal(1, node.Measurements.Sum("hexproperty.cache.lookups", "cache.layer=distributed", "cache.result=hit"));
        Assert.Null(none);
    }

    [Fact]
    public async Task Tags_must_be_real_names()
    {
        await using var node = await CacheNode.StartAsync(null, CacheNode.NewPrefix());

        await Assert.ThrowsAsync<ArgumentException>(async () => await node.Cache.GetOrCreateAsync("k", _ => ValueTask.FromResult(1), tags: ["*"]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await node.Cache.GetOrCreateAsync("k", _ => ValueTask.FromResult(1), tags: [" "]));
    }

    [Fact]
    public async Task A_type_the_serializer_cannot_handle_is_named_in_the_error()
    {
        await using var node = await CacheNode.StartAsync(null, CacheNode.NewPrefix());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await node.Cache.GetOrCreateAsync("uri", _ => ValueTask.FromResult(new Uri("https://hexproperty.test"))));

        Assert.Contains("System.Uri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_Redis_the_cache_works_from_memory_and_says_so()
    {
        await using var node = await CacheNode.StartAsync(null, CacheNode.NewPrefix());

        await node.Cache.GetOrCreateAsync("m", _ => ValueTask.FromResult(1));

        Assert.False(node.Cache.HasDistributedLayer);
        Assert.Equal(1, await node.Cache.GetOrCreateAsync<int>("m", _ => throw new InvalidOperationException()));
        await node.Cache.RemoveByTagAsync("anything");
    }
}

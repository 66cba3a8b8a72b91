using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace HexProperty.Caching.Tests;

/// <summary>Two nodes on one Redis: what one writes or invalidates, the other sees.</summary>
[Collection(RedisCollection.Name)]
public sealed class DistributedTests(RedisFixture redis)
{
    [Fact]
    public async Task A_value_one_node_produced_is_served_to_another_from_Redis_without_its_factory()
    {
        var prefix = CacheNode.NewPrefix();
        await using var a = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        await using var b = await CacheNode.StartAsync(redis.ConnectionString, prefix);

        await a.Cache.GetOrCreateAsync("listing:1", _ => ValueTask.FromResult(new Snapshot("Casa Azul", 1)));
        var onB = await b.Cache.GetOrCreateAsync<Snapshot>("listing:1", _ => throw new InvalidOperationException("B's factory must not run"));

        Assert.Equal(new Snapshot("Casa Azul", 1), onB);
    }

    [Fact]
    public async Task A_set_on_one_node_replaces_what_another_node_holds_in_memory()
    {
        var prefix = CacheNode.NewPrefix();
        await using var a = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        await using var b = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        await b.Cache.GetOrCreateAsync("listing:2", _ => ValueTask.FromResult(new Snapshot("old", 1)));

        await a.Cache.SetAsync("listing:2", new Snapshot("new", 2));

        await b.WaitUntilAsync(() => b.Measurements.Sum("hexproperty.cache.backplane.messages", "direction=received") >= 1, "B to hear A's set");
        Assert.Equal(new Snapshot("new", 2), await b.Cache.GetOrCreateAsync<Snapshot>("listing:2", _ => throw new InvalidOperationException("must come from Redis")));
    }

    [Fact]
    public async Task A_tag_invalidated_on_one_node_is_gone_on_every_node_within_the_backplane_delay()
    {
        var prefix = CacheNode.NewPrefix();
        await using var a = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        await using var b = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        var version = 1;
        ValueTask<Snapshot> Load(CancellationToken _) => ValueTask.FromResult(new Snapshot("listing", version));
        await a.Cache.GetOrCreateAsync("listing:3", Load, tags: ["property:3"]);
        await b.Cache.GetOrCreateAsync("listing:3", Load, tags: ["property:3"]);
        await a.Cache.GetOrCreateAsync("other", Load, tags: ["property:4"]);

        version = 2; // the write...
        var invalidated = Stopwatch.StartNew();
        await a.Cache.RemoveByTagAsync("property:3"); // ...and its invalidation, before the write returns
        await b.WaitUntilAsync(() => b.Measurements.Sum("hexproperty.cache.backplane.messages", "direction=received") >= 1, "B to hear the invalidation");
        invalidated.Stop();

        Assert.Equal(2, (await a.Cache.GetOrCreateAsync("listing:3", Load, tags: ["property:3"])).Version);
        Assert.Equal(2, (await b.Cache.GetOrCreateAsync("listing:3", Load, tags: ["property:3"])).Version);
        Assert.Equal(1, (await a.Cache.GetOrCreateAsync("other", Load, tags: ["property:4"])).Version);
        Assert.True(invalidated.Elapsed < TimeSpan.FromSeconds(1), $"the backplane took {invalidated.Elapsed}");
    }

    [Fact]
    public async Task Invalidating_everything_with_a_star_reaches_untagged_entries_on_every_node()
    {
        var prefix = CacheNode.NewPrefix();
        await using var a = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        await using var b = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        await b.Cache.GetOrCreateAsync("untagged", _ => ValueTask.FromResult(1));

        await a.Cache.RemoveByTagAsync("*");

        await b.WaitUntilAsync(() => b.Measurements.Sum("hexproperty.cache.backplane.messages", "direction=received") >= 1, "B to hear it");
        Assert.Equal(2, await b.Cache.GetOrCreateAsync("untagged", _ => ValueTask.FromResult(2)));
    }

    [Fact]
    public async Task A_removed_key_is_gone_from_both_layers_on_every_node()
    {
        var prefix = CacheNode.NewPrefix();
        await using var a = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        await using var b = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        await b.Cache.GetOrCreateAsync("removed", _ => ValueTask.FromResult(1));

        await a.Cache.RemoveAsync("removed");

        Assert.False(await a.Redis!.GetDatabase().KeyExistsAsync(prefix + "removed"));
        await b.WaitUntilAsync(() => b.Measurements.Sum("hexproperty.cache.backplane.messages", "direction=received") >= 1, "B to hear it");
        Assert.Equal(2, await b.Cache.GetOrCreateAsync("removed", _ => ValueTask.FromResult(2)));
    }

    [Fact]
    public async Task A_node_that_starts_after_an_invalidation_does_not_serve_the_entry_it_invalidated_from_Redis()
    {
        var prefix = CacheNode.NewPrefix();
        await using var a = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        await a.Cache.GetOrCreateAsync("early", _ => ValueTask.FromResult(1), tags: ["unit:9"]);
        await a.Cache.RemoveByTagAsync("unit:9"); // the stale entry is still in Redis; only its tag says it is invalid

        await using var late = await CacheNode.StartAsync(redis.ConnectionString, prefix);

        Assert.True(await a.Redis!.GetDatabase().KeyExistsAsync(prefix + "early"));
        Assert.Equal(2, await late.Cache.GetOrCreateAsync("early", _ => ValueTask.FromResult(2), tags: ["unit:9"]));
    }

    [Fact]
    public async Task A_value_whose_factory_raced_a_write_is_returned_but_never_cached()
    {
        await using var node = await CacheNode.StartAsync(redis.ConnectionString, CacheNode.NewPrefix());
        var reading = new TaskCompletionSource();
        var written = new TaskCompletionSource();

        var racing = node.Cache.GetOrCreateAsync("raced", async _ =>
        {
            reading.SetResult(); // the factory has read the old row...
            await written.Task; // ...and finishes after the write's invalidation
            return "old";
        }, tags: ["property:7"]).AsTask();
        await reading.Task;
        await node.Cache.RemoveByTagAsync("property:7");
        written.SetResult();

        Assert.Equal("old", await racing);
        Assert.Equal("new", await node.Cache.GetOrCreateAsync("raced", _ => ValueTask.FromResult("new"), tags: ["property:7"]));
    }

    [Fact]
    public async Task Large_values_are_stored_compressed_in_Redis_and_read_back_whole()
    {
        var prefix = CacheNode.NewPrefix();
        await using var a = await CacheNode.StartAsync(redis.ConnectionString, prefix, configure: o => o.CompressAboveBytes = 1024);
        await using var b = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        var description = string.Concat(Enumerable.Repeat("Sea view, two bedrooms, a terrace over the old town. ", 200));

        await a.Cache.SetAsync("large", description);
        await a.Cache.SetAsync("small", "tiny");

        var stored = (byte[])(await a.Redis!.GetDatabase().StringGetAsync(prefix + "large"))!;
        Assert.Equal(1, stored[1]); // the compressed flag of the envelope
        Assert.True(stored.Length < description.Length / 5, $"{stored.Length} bytes stored for {description.Length}");
        Assert.Equal(0, ((byte[])(await a.Redis.GetDatabase().StringGetAsync(prefix + "small"))!)[1]);
        Assert.Equal(description, await b.Cache.GetOrCreateAsync<string>("large", _ => throw new InvalidOperationException("must come from Redis")));
    }

    [Fact]
    public async Task TryGet_finds_values_in_memory_or_Redis_and_never_stores_a_miss()
    {
        var prefix = CacheNode.NewPrefix();
        await using var a = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        await using var b = await CacheNode.StartAsync(redis.ConnectionString, prefix);

        Assert.Equal((false, null), await a.Standard.TryGetAsync<Snapshot>("absent"));
        await a.Cache.SetAsync("present", new Snapshot("here", 1));

        Assert.Equal((true, new Snapshot("here", 1)), await a.Standard.TryGetAsync<Snapshot>("present"));
        Assert.Equal((true, new Snapshot("here", 1)), await b.Standard.TryGetAsync<Snapshot>("present"));
        Assert.False(await a.Redis!.GetDatabase().KeyExistsAsync(prefix + "absent"));
        Assert.Equal(5, await a.Cache.GetOrCreateAsync("absent", _ => ValueTask.FromResult(5)));
    }

    [Fact]
    public async Task The_invalidation_log_is_read_in_pages_and_no_entry_is_lost_at_a_page_boundary()
    {
        var prefix = CacheNode.NewPrefix();
        await using var node = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var layer = LayerOf(node, prefix, services, logPageSize: 10);
        // 95 invalidations at distinct times, then 25 sharing one time, across the 10-entry pages: a whole page of ties.
        var written = Enumerable.Range(0, 95).Select(i => new Invalidation(InvalidationKind.Tag, $"t{i}", 1_000 + i))
            .Concat(Enumerable.Range(0, 25).Select(i => new Invalidation(InvalidationKind.Tag, $"same{i}", 5_000))).ToList();
        Assert.True(await layer.RecordAsync(written));

        var read = (await layer.ReadInvalidationsAsync(since: 1_000))!.Where(i => i.Kind != InvalidationKind.Everything).ToList();

        Assert.Equal(written.OrderBy(i => i.At).ThenBy(i => i.Name, StringComparer.Ordinal), read.OrderBy(i => i.At).ThenBy(i => i.Name, StringComparer.Ordinal));
        // From a later time: the pages start there, and what is older is pruned.
        Assert.Equal(written.Count(i => i.At >= 1_050), (await layer.ReadInvalidationsAsync(since: 1_050))!.Count(i => i.Kind != InvalidationKind.Everything));
    }

    [Fact]
    public async Task The_invalidation_log_keeps_the_newest_time_so_a_late_replay_never_hides_a_newer_write()
    {
        var prefix = CacheNode.NewPrefix();
        await using var node = await CacheNode.StartAsync(redis.ConnectionString, prefix);
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var layer = LayerOf(node, prefix, services);

        Assert.True(await layer.RecordAsync([new Invalidation(InvalidationKind.Tag, "agency:1", 2_000), new Invalidation(InvalidationKind.Key, "k", 5)]));
        Assert.True(await layer.RecordAsync([new Invalidation(InvalidationKind.Tag, "agency:1", 1_000)]));
        var log = (await layer.ReadInvalidationsAsync(since: 0))!.Where(i => i.Kind != InvalidationKind.Everything).ToList();

        Assert.Equal([new Invalidation(InvalidationKind.Key, "k", 5), new Invalidation(InvalidationKind.Tag, "agency:1", 2_000)], log);
        Assert.NotNull(await layer.ReadInvalidationsAsync(since: 3_000));
        // Reading from 3,000 pruned everything older; only the node's own start ("*" at the current time) is left.
        Assert.All((await layer.ReadInvalidationsAsync(since: 0))!, i => Assert.Equal(InvalidationKind.Everything, i.Kind));
    }

    /// <summary>A Redis layer of the test's own on the node's connection and key prefix, its metrics unread.</summary>
    private static RedisLayer LayerOf(CacheNode node, string prefix, ServiceProvider services, int logPageSize = 500) =>
        new(node.Redis!, new HybridCacheOptions { KeyPrefix = prefix },
            new CacheMetrics(services.GetRequiredService<IMeterFactory>(), () => 0, () => 0, () => 0, () => 1),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, logPageSize);
}

namespace HexProperty.Caching.Tests;

/// <summary>Fail-safe, soft timeouts, eager refresh and per-result options, on a clock the tests move.</summary>
[Collection(RedisCollection.Name)]
public sealed class FreshnessTests(RedisFixture redis)
{
    private static readonly Dictionary<string, string?> Profile = new()
    {
        ["Caching:Profiles:listing:Expiration"] = "00:01:00",
        ["Caching:Profiles:listing:LocalExpiration"] = "00:01:00",
        ["Caching:Profiles:listing:FailSafeMaxDuration"] = "01:00:00",
        ["Caching:Profiles:listing:FailSafeThrottleDuration"] = "00:00:30",
        ["Caching:Profiles:listing:FactorySoftTimeout"] = "00:00:00.100",
        ["Caching:Profiles:listing:EagerRefreshThreshold"] = "0.5",
        ["Caching:Profiles:strict:Expiration"] = "00:01:00",
    };

    [Fact]
    public async Task When_the_factory_fails_the_last_value_is_served_and_the_source_is_left_alone_for_the_throttle()
    {
        var clock = new ShiftableClock();
        var prefix = CacheNode.NewPrefix();
        await using var node = await CacheNode.StartAsync(redis.ConnectionString, prefix, clock, settings: Profile);
        var calls = 0;
        ValueTask<int> Down(CancellationToken _)
        {
            calls++;
            throw new TimeoutException("database unreachable");
        }

        await node.Cache.GetOrCreateAsync("listing:1", _ => ValueTask.FromResult(1));
        clock.Advance(TimeSpan.FromMinutes(2)); // expired, but within the hour of fail-safe

        Assert.Equal(1, await node.Cache.GetOrCreateAsync("listing:1", Down));
        Assert.Equal(1, await node.Cache.GetOrCreateAsync("listing:1", Down));
        Assert.Equal(1, calls);
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await node.Cache.GetOrCreateAsync("listing:1", Down));
        Assert.Equal(2, calls);
        Assert.Equal(2, node.Measurements.Sum("hexproperty.cache.stale_served", "reason=factory-failure"));
        clock.Advance(TimeSpan.FromSeconds(31)); // the throttle is over, and the source answers again
        Assert.Equal(3, await node.Cache.GetOrCreateAsync("listing:1", _ => ValueTask.FromResult(3)));
    }

    [Fact]
    public async Task Without_fail_safe_or_past_it_the_failure_reaches_the_caller()
    {
        var clock = new ShiftableClock();
        await using var node = await CacheNode.StartAsync(redis.ConnectionString, CacheNode.NewPrefix(), clock, settings: Profile);
        await node.Cache.GetOrCreateAsync("strict:1", _ => ValueTask.FromResult(1));
        await node.Cache.GetOrCreateAsync("listing:2", _ => ValueTask.FromResult(1));
        clock.Advance(TimeSpan.FromMinutes(2));

        await Assert.ThrowsAsync<TimeoutException>(async () => await node.Cache.GetOrCreateAsync<int>("strict:1", _ => throw new TimeoutException()));
        clock.Advance(TimeSpan.FromHours(1));
        await Assert.ThrowsAsync<TimeoutException>(async () => await node.Cache.GetOrCreateAsync<int>("listing:2", _ => throw new TimeoutException()));
    }

    [Fact]
    public async Task A_slow_factory_yields_the_stale_value_after_the_soft_timeout_and_its_result_is_cached_when_done()
    {
        var clock = new ShiftableClock();
        await using var node = await CacheNode.StartAsync(redis.ConnectionString, CacheNode.NewPrefix(), clock, settings: Profile);
        await node.Cache.GetOrCreateAsync("listing:3", _ => ValueTask.FromResult(1));
        clock.Advance(TimeSpan.FromMinutes(2));
        var slow = new TaskCompletionSource<int>();

        var started = DateTime.UtcNow;
        Assert.Equal(1, await node.Cache.GetOrCreateAsync("listing:3", _ => new ValueTask<int>(slow.Task)));
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(90), TimeSpan.FromSeconds(5));
        slow.SetResult(2);

        await node.WaitUntilAsync(() => node.Measurements.Sum("hexproperty.cache.factory.duration", "outcome=success") == 2, "the background factory");
        Assert.Equal(2, await node.Cache.GetOrCreateAsync<int>("listing:3", _ => throw new InvalidOperationException("must be cached")));
        Assert.Equal(1, node.Measurements.Sum("hexproperty.cache.stale_served", "reason=soft-timeout"));
    }

    [Fact]
    public async Task A_hit_past_the_refresh_threshold_refreshes_in_the_background_and_answers_at_once()
    {
        var clock = new ShiftableClock();
        await using var node = await CacheNode.StartAsync(redis.ConnectionString, CacheNode.NewPrefix(), clock, settings: Profile);
        await node.Cache.GetOrCreateAsync("listing:4", _ => ValueTask.FromResult(1));
        clock.Advance(TimeSpan.FromSeconds(40)); // past half of the minute
        var refreshed = new TaskCompletionSource<int>();

        Assert.Equal(1, await node.Cache.GetOrCreateAsync("listing:4", _ => new ValueTask<int>(refreshed.Task)));
        Assert.Equal(1, await node.Cache.GetOrCreateAsync<int>("listing:4", _ => throw new InvalidOperationException("one refresh at a time")));
        refreshed.SetResult(2);

        await node.WaitUntilAsync(() => node.Measurements.Sum("hexproperty.cache.factory.duration", "outcome=success") == 2, "the refresh");
        clock.Advance(TimeSpan.FromSeconds(25)); // the first value would have expired by now; the refreshed one has not
        Assert.Equal(2, await node.Cache.GetOrCreateAsync<int>("listing:4", _ => throw new InvalidOperationException("must be cached")));
    }

    [Fact]
    public async Task A_factory_can_keep_its_result_out_of_the_cache_or_shorten_its_life()
    {
        var clock = new ShiftableClock();
        var prefix = CacheNode.NewPrefix();
        await using var node = await CacheNode.StartAsync(redis.ConnectionString, prefix, clock, settings: Profile);
        var calls = 0;

        for (var i = 0; i < 2; i++)
        {
            await node.Cache.GetOrCreateAsync("strict:missing", _ =>
            {
                calls++;
                CacheResult.DoNotCache();
                return ValueTask.FromResult(0);
            });
        }

        await node.Cache.GetOrCreateAsync("strict:short", _ =>
        {
            CacheResult.ExpireAfter(TimeSpan.FromSeconds(10));
            return ValueTask.FromResult(1);
        });
        Assert.Equal(1, await node.Cache.GetOrCreateAsync<int>("strict:short", _ => throw new InvalidOperationException("still fresh")));
        clock.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal(2, calls);
        Assert.Equal(2, await node.Cache.GetOrCreateAsync("strict:short", _ => ValueTask.FromResult(2)));
        Assert.False(await node.Redis!.GetDatabase().KeyExistsAsync(prefix + "strict:missing"));
    }

    [Fact]
    public async Task A_tag_the_factory_adds_invalidates_the_entry_like_a_tag_of_the_call()
    {
        await using var node = await CacheNode.StartAsync(redis.ConnectionString, CacheNode.NewPrefix(), settings: Profile);
        var version = 1;
        ValueTask<int> Load(CancellationToken _)
        {
            CacheResult.AddTags("agency:7"); // known only once the row is read
            return ValueTask.FromResult(version);
        }

        await node.Cache.GetOrCreateAsync("strict:tagged", Load, tags: ["property:1"]);
        version = 2;
        Assert.Equal(1, await node.Cache.GetOrCreateAsync("strict:tagged", Load, tags: ["property:1"]));
        await node.Cache.RemoveByTagAsync("agency:7");

        Assert.Equal(2, await node.Cache.GetOrCreateAsync("strict:tagged", Load, tags: ["property:1"]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await node.Cache.GetOrCreateAsync("strict:bad", _ =>
        {
            CacheResult.AddTags("*");
            return ValueTask.FromResult(0);
        }));
    }
}

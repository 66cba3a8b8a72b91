namespace HexProperty.Caching.Tests;

[Collection(RedisCollection.Name)]
public sealed class StampedeTests(RedisFixture redis)
{
    [Fact]
    public async Task A_thousand_concurrent_callers_of_a_cold_key_run_the_factory_once()
    {
        await using var node = await CacheNode.StartAsync(redis.ConnectionString, CacheNode.NewPrefix());
        var calls = 0;
        var release = new TaskCompletionSource();

        var callers = Enumerable.Range(0, 1000).Select(_ => Task.Run(async () => await node.Cache.GetOrCreateAsync("cold", async token =>
        {
            Interlocked.Increment(ref calls);
            await release.Task.WaitAsync(token);
            return 42;
        }))).ToList();
        await Task.Delay(200); // let every caller arrive while the factory is still running
        release.SetResult();
        var values = await Task.WhenAll(callers);

        Assert.Equal(1, calls);
        Assert.All(values, v => Assert.Equal(42, v));
    }

    [Fact]
    public async Task One_caller_cancelling_does_not_cancel_the_factory_for_the_others()
    {
        await using var node = await CacheNode.StartAsync(null, CacheNode.NewPrefix());
        var release = new TaskCompletionSource();
        var factoryToken = CancellationToken.None;
        using var impatient = new CancellationTokenSource();

        var first = node.Cache.GetOrCreateAsync("shared", async token =>
        {
            factoryToken = token;
            await release.Task.WaitAsync(token);
            return "done";
        }, cancellationToken: impatient.Token).AsTask();
        var second = node.Cache.GetOrCreateAsync("shared", _ => ValueTask.FromResult("second factory"), cancellationToken: CancellationToken.None).AsTask();
        await impatient.CancelAsync();
        release.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal("done", await second);
        Assert.False(factoryToken.IsCancellationRequested);
    }

    [Fact]
    public async Task When_every_caller_cancels_the_factory_is_cancelled_and_nothing_is_cached()
    {
        await using var node = await CacheNode.StartAsync(null, CacheNode.NewPrefix());
        var factoryCancelled = new TaskCompletionSource();
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        async ValueTask<string> Hang(CancellationToken token)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, token);
                return "never";
            }
            catch (OperationCanceledException)
            {
                factoryCancelled.TrySetResult();
                throw;
            }
        }

        var a = node.Cache.GetOrCreateAsync("abandoned", Hang, cancellationToken: first.Token).AsTask();
        var b = node.Cache.GetOrCreateAsync("abandoned", Hang, cancellationToken: second.Token).AsTask();
        await first.CancelAsync();
        Assert.False(factoryCancelled.Task.IsCompleted);
        await second.CancelAsync();

        await factoryCancelled.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b);
        Assert.Equal("next", await node.Cache.GetOrCreateAsync("abandoned", _ => ValueTask.FromResult("next")));
    }

    [Fact]
    public async Task A_failing_factory_fails_every_joined_caller_and_caches_nothing()
    {
        await using var node = await CacheNode.StartAsync(null, CacheNode.NewPrefix());
        var release = new TaskCompletionSource();
        async ValueTask<int> Fail(CancellationToken token)
        {
            await release.Task;
            throw new InvalidOperationException("database down");
        }

        var callers = Enumerable.Range(0, 5).Select(_ => node.Cache.GetOrCreateAsync("failing", Fail).AsTask()).ToList();
        release.SetResult();

        foreach (var caller in callers)
        {
            Assert.Equal("database down", (await Assert.ThrowsAsync<InvalidOperationException>(() => caller)).Message);
        }

        Assert.Equal(7, await node.Cache.GetOrCreateAsync("failing", _ => ValueTask.FromResult(7)));
    }
}

using HexProperty.Hosting;
using HexProperty.Hosting.Redis;
using HexProperty.Hosting.Testing;

namespace HexProperty.Caching.Tests;

/// <summary>A real redis-server started by the orchestrator, which also restarts it when a test kills it.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private DistributedApplication _servers = null!;

    public string ConnectionString { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddRedis("cache");
        _servers = await builder.BuildAsync();
        await _servers.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _servers.ResourceNotifications.WaitForResourceHealthyAsync("cache", timeout.Token);
        ConnectionString = await _servers.GetConnectionStringAsync("cache");
    }

    /// <summary>SIGKILLs redis-server: what a crash looks like to its clients.</summary>
    public int Kill() => _servers.KillInstance("cache");

    /// <summary>Waits for the orchestrator to have restarted Redis after <see cref="Kill"/>.</summary>
    public Task WaitRestartedAsync(int restartsBefore) => _servers.WaitRestartedAsync("cache", restartsBefore);

    public Task DisposeAsync() => _servers.DisposeAsync().AsTask();
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}

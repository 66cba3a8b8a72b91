using HexProperty.Hosting.Redis;
using HexProperty.Testing;

namespace HexProperty.Caching.Tests;

/// <summary>A real redis-server, run as the AppHost runs it; its supervisor starts it again when a test kills it.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private TestServers _servers = null!;

    public string ConnectionString { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync("caching", builder => builder.AddLocalRedis("cache"));
        ConnectionString = await _servers.ConnectionStringAsync("cache");
    }

    /// <summary>SIGKILLs redis-server: what a crash looks like to its clients. Returns the killed PID.</summary>
    public int Kill() => _servers.KillServer("cache");

    /// <summary>Waits until Redis runs and answers again after <see cref="Kill"/>.</summary>
    public Task WaitRestartedAsync(int killedPid) => _servers.WaitRestartedAsync("cache", killedPid);

    public Task DisposeAsync() => _servers.DisposeAsync().AsTask();
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}

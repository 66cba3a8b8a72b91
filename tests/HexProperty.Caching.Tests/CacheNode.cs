using System.Diagnostics.Metrics;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace HexProperty.Caching.Tests;

/// <summary>
/// One application node's cache, built the way a service builds it (AddHybridCache) with its own connection to the
/// shared Redis, its own memory and its own meters. Nodes of one test share a key prefix, so tests never meet.
/// </summary>
public sealed class CacheNode : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private CacheNode(ServiceProvider services)
    {
        _services = services;
        Cache = services.GetRequiredService<LayeredHybridCache>();
        Measurements = new CacheMeasurements(services.GetRequiredService<IMeterFactory>());
    }

    public LayeredHybridCache Cache { get; }

    public HybridCache Standard => _services.GetRequiredService<HybridCache>();

    public CacheMeasurements Measurements { get; }

    public IConnectionMultiplexer? Redis => _services.GetService<IConnectionMultiplexer>();

    public static string NewPrefix() => $"test:{Guid.NewGuid():N}:";

    /// <summary>A node connected to Redis (waits for its first synchronisation), or memory-only without a connection string.</summary>
    public static async Task<CacheNode> StartAsync(
        string? redisConnectionString, string prefix, TimeProvider? clock = null, Action<HybridCacheOptions>? configure = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Services.AddLogging();
        builder.Services.AddSingleton(clock ?? TimeProvider.System);
        if (redisConnectionString is not null)
        {
            var options = ConfigurationOptions.Parse(redisConnectionString);
            options.AbortOnConnectFail = false;
            builder.Services.AddSingleton<IConnectionMultiplexer>(ConnectionMultiplexer.Connect(options));
        }

        builder.AddHybridCache(options =>
        {
            options.KeyPrefix = prefix;
            options.SerializerOptions = TestJson.Default.Options;
            options.RecoveryInterval = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(options);
        });
        var node = new CacheNode(builder.Services.BuildServiceProvider());
        if (redisConnectionString is not null)
        {
            await node.WaitUntilAsync(() => node.Cache.IsConnected, "the cache to connect to Redis");
        }

        return node;
    }

    public async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Measurements.Dispose();
        var redis = Redis;
        await _services.DisposeAsync();
        if (redis is not null)
        {
            await redis.CloseAsync();
            redis.Dispose();
        }
    }
}

/// <summary>A mutable listing: every caller must get its own copy.</summary>
public sealed class Listing
{
    public required string Name { get; set; }

    public int Version { get; set; }
}

/// <summary>An immutable listing: one instance may serve everyone.</summary>
[System.ComponentModel.ImmutableObject(true)]
public sealed record Snapshot(string Name, int Version);

[JsonSerializable(typeof(Listing))]
[JsonSerializable(typeof(Snapshot))]
[JsonSerializable(typeof(int))]
public sealed partial class TestJson : JsonSerializerContext;

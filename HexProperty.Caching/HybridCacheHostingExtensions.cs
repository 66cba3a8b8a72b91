using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace HexProperty.Caching;

public static class HybridCacheHostingExtensions
{
    public const string ConfigurationSection = "Caching";

    /// <summary>
    /// Registers <see cref="HybridCache"/> (as <see cref="LayeredHybridCache"/>) with options from the <c>Caching</c>
    /// section. Like Microsoft's AddHybridCache, it picks up its second layer from DI: with an
    /// <c>IConnectionMultiplexer</c> registered (AddRedisClient) it uses Redis for L2 and the backplane, without one
    /// it caches in memory only. Adds a health check that reports Degraded while the cache runs without Redis.
    /// </summary>
    public static IHostApplicationBuilder AddHybridCache(this IHostApplicationBuilder builder, Action<HybridCacheOptions>? configure = null)
    {
        var services = builder.Services;
        services.AddOptions<HybridCacheOptions>()
            .Bind(builder.Configuration.GetSection(ConfigurationSection))
            .Configure(options => configure?.Invoke(options));
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<CacheProfiles>();
        services.TryAddSingleton<LayeredHybridCache>();
        services.TryAddSingleton<HybridCache>(provider => provider.GetRequiredService<LayeredHybridCache>());
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            "hybrid-cache",
            provider => new HybridCacheHealthCheck(provider.GetRequiredService<LayeredHybridCache>()),
            HealthStatus.Degraded,
            ["cache"]));
        return builder;
    }

    /// <summary>The <see cref="LayeredHybridCache.TryGetAsync{T}"/> of a cache registered as the standard type.</summary>
    public static ValueTask<(bool Found, T? Value)> TryGetAsync<T>(this HybridCache cache, string key, CancellationToken cancellationToken = default) =>
        cache is LayeredHybridCache layered
            ? layered.TryGetAsync<T>(key, cancellationToken)
            : throw new NotSupportedException($"TryGetAsync needs {nameof(LayeredHybridCache)}; {cache.GetType().Name} has no lookup without a factory.");

    private sealed class HybridCacheHealthCheck(LayeredHybridCache cache) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(!cache.HasDistributedLayer ? HealthCheckResult.Healthy("memory only (no Redis configured)")
                : cache.IsConnected ? HealthCheckResult.Healthy("memory and Redis")
                : HealthCheckResult.Degraded("Redis unreachable: serving from memory (short-lived) and the source"));
    }
}

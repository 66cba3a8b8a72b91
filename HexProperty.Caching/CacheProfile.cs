using Microsoft.Extensions.Caching.Hybrid;

namespace HexProperty.Caching;

/// <summary>A profile as the cache applies it: options checked, defaults filled in, L1 no longer than L2.</summary>
public sealed class CacheProfile
{
    internal CacheProfile(string name, CacheProfileOptions options, HybridCacheOptions cache)
    {
        if (options.EagerRefreshThreshold is <= 0 or >= 1)
        {
            throw new ArgumentException($"Caching profile '{name}': EagerRefreshThreshold must be between 0 and 1, exclusive.");
        }

        if (options.Expiration <= TimeSpan.Zero || options.LocalExpiration <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Caching profile '{name}': Expiration and LocalExpiration must be positive.");
        }

        Name = name;
        Namespace = string.IsNullOrWhiteSpace(options.Namespace) ? name : options.Namespace;
        if (Namespace.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Caching profile '{name}': a namespace cannot contain ':'.");
        }

        EntryOptions = new HybridCacheEntryOptions
        {
            Expiration = options.Expiration,
            LocalCacheExpiration = options.LocalExpiration < options.Expiration ? options.LocalExpiration : options.Expiration,
        };
        Tags = [.. options.Tags];
        CompressAboveBytes = cache.DisableCompression ? 0 : options.CompressAboveBytes ?? cache.CompressAboveBytes;
        FailSafeMaxDuration = options.FailSafeMaxDuration;
        FailSafeThrottleDuration = options.FailSafeThrottleDuration;
        FactorySoftTimeout = options.FactorySoftTimeout;
        EagerRefreshThreshold = options.EagerRefreshThreshold;
    }

    /// <summary>The profile of keys that match no namespace.</summary>
    internal static CacheProfile Default(HybridCacheOptions cache) => new("default", new CacheProfileOptions
    {
        Expiration = cache.DefaultEntryOptions.Expiration ?? CacheProfileOptions.DefaultExpiration,
        LocalExpiration = cache.DefaultEntryOptions.LocalCacheExpiration ?? cache.DefaultEntryOptions.Expiration ?? CacheProfileOptions.DefaultLocalExpiration,
    }, cache);

    public string Name { get; }

    public string Namespace { get; }

    /// <summary>The options to pass with this profile's calls; the cache also applies them to keys of its namespace.</summary>
    public HybridCacheEntryOptions EntryOptions { get; }

    public IReadOnlyList<string> Tags { get; }

    /// <summary>Payloads at least this large are compressed in Redis; 0 means never.</summary>
    public int CompressAboveBytes { get; }

    public TimeSpan FailSafeMaxDuration { get; }

    public TimeSpan FailSafeThrottleDuration { get; }

    public TimeSpan? FactorySoftTimeout { get; }

    public double? EagerRefreshThreshold { get; }

    internal ProfileCounters Counters { get; } = new();

    /// <summary>A key in this profile's namespace.</summary>
    public string Key(string rest) => string.Concat(Namespace, ":", rest);
}

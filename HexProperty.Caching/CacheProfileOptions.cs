namespace HexProperty.Caching;

/// <summary>
/// How one kind of cached data behaves: how long it lives in memory and in Redis, whether it is compressed, which
/// tags every entry carries, and how it degrades (fail-safe, soft timeout, eager refresh).
/// </summary>
public sealed class CacheProfileOptions
{
    public static readonly TimeSpan DefaultExpiration = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultLocalExpiration = TimeSpan.FromMinutes(5);

    /// <summary>The first segment of every key of this profile; the profile's name when not set.</summary>
    public string? Namespace { get; set; }

    /// <summary>How long an entry is fresh in Redis (L2).</summary>
    public TimeSpan Expiration { get; set; } = DefaultExpiration;

    /// <summary>How long an entry is fresh in memory (L1); never longer than <see cref="Expiration"/>.</summary>
    public TimeSpan LocalExpiration { get; set; } = DefaultLocalExpiration;

    /// <summary>Overrides <see cref="HybridCacheOptions.CompressAboveBytes"/>; 0 turns compression off for this profile.</summary>
    public int? CompressAboveBytes { get; set; }

    /// <summary>Tags every entry of the profile carries, besides those of the call.</summary>
    public string[] Tags { get; set; } = [];

    /// <summary>
    /// How long past its expiry an entry may still be served when the factory fails (the database is down) or is
    /// slower than <see cref="FactorySoftTimeout"/>; zero turns fail-safe off.
    /// </summary>
    public TimeSpan FailSafeMaxDuration { get; set; }

    /// <summary>After a failed factory, the stale value is served this long before the factory is tried again.</summary>
    public TimeSpan FailSafeThrottleDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>With a stale value at hand, a factory slower than this returns the stale value and finishes in the background.</summary>
    public TimeSpan? FactorySoftTimeout { get; set; }

    /// <summary>
    /// Share of an entry's lifetime (between 0 and 1, exclusive) after which a hit refreshes it in the background,
    /// so hot keys never expire under their readers.
    /// </summary>
    public double? EagerRefreshThreshold { get; set; }
}

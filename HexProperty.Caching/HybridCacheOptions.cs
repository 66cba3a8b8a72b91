using System.Text.Json;
using Microsoft.Extensions.Caching.Hybrid;

namespace HexProperty.Caching;

/// <summary>
/// Settings of the hybrid cache, bound from the <c>Caching</c> configuration section. The limits and defaults are
/// Microsoft.Extensions.Caching.Hybrid's; what goes beyond it (profiles, backplane, breaker, fail-safe) is ours.
/// </summary>
public sealed class HybridCacheOptions
{
    /// <summary>
    /// Off, every call runs its factory and nothing is stored: the switch to rule the cache out when something looks
    /// wrong, and the uncached side of a benchmark. Invalidations are still sent, so other nodes stay correct.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Options for a call that passes none and whose key matches no profile.</summary>
    public HybridCacheEntryOptions DefaultEntryOptions { get; set; } = new()
    {
        Expiration = CacheProfileOptions.DefaultExpiration,
        LocalCacheExpiration = CacheProfileOptions.DefaultLocalExpiration,
    };

    /// <summary>A larger serialized value is returned to the caller but not cached (and logged).</summary>
    public long MaximumPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>A longer key, or one with a control character, bypasses the cache: the factory runs every time.</summary>
    public int MaximumKeyLength { get; set; } = 1024;

    /// <summary>Payloads at least this large are stored Brotli-compressed in Redis unless a profile says otherwise.</summary>
    public int CompressAboveBytes { get; set; } = 1024;

    public bool DisableCompression { get; set; }

    /// <summary>What the in-process layer may hold, in payload bytes, before it evicts the least recently used.</summary>
    public long LocalSizeLimitBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Prefix of every Redis key and of the backplane channel, so applications can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "hexcache:";

    /// <summary>The longest a single Redis call may take before it counts as a failure and the caller moves on.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Share of failed Redis calls within <see cref="BreakerSamplingDuration"/> that opens the breaker.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    public int BreakerMinimumThroughput { get; set; } = 10;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the breaker stays open before a probe may close it again.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a cache that lost Redis tries to get it back.</summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest one call made to get Redis back may take (the ping, the invalidation log, the replay). No request
    /// waits on these calls, so they get more than <see cref="RedisTimeout"/>: on a loaded machine a call's answer can
    /// wait longer than that in this process, and recovery, which needs some thirty calls in a row, then never succeeded
    /// while the load lasted (bench/README.md).
    /// </summary>
    public TimeSpan RecoveryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// While Redis is unreachable no invalidation reaches this node, so what it holds in memory is served for at most
    /// this long; this bounds how stale another node's write can be seen here during an outage. A cache back within
    /// this time whose subscription never dropped has missed no message, and keeps its memory.
    /// </summary>
    public TimeSpan OutageLocalExpiration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long tag and key invalidations are remembered. Nothing is cached longer (including fail-safe time), so an
    /// entry can never outlive the record of its invalidation.
    /// </summary>
    public TimeSpan InvalidationRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Invalidations queued while Redis is down, replayed when it is back; beyond this, everything is invalidated.</summary>
    public int MaxPendingInvalidations { get; set; } = 10_000;

    /// <summary>Serializer options for values that are neither strings nor byte arrays; set a source-generated resolver.</summary>
    public JsonSerializerOptions SerializerOptions { get; set; } = JsonSerializerOptions.Default;

    /// <summary>Cache profiles by name; a key <c>namespace:rest</c> uses the profile with that namespace.</summary>
    public Dictionary<string, CacheProfileOptions> Profiles { get; } = new(StringComparer.Ordinal);
}

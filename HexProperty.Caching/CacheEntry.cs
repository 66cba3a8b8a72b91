namespace HexProperty.Caching;

/// <summary>
/// One cached value with its timing, as L1 holds it and as the Redis envelope carries it. Times are microseconds
/// (<see cref="CacheClock"/>). An entry is fresh until <see cref="ExpiresAt"/> and may be served stale (fail-safe)
/// until <see cref="StaleUntil"/>; it is gone for good once a tag, its key or "*" is invalidated at or after
/// <see cref="CreatedAt"/>, the moment its factory started, so a factory racing a write never outlives the write.
/// </summary>
internal sealed class CacheEntry
{
    /// <summary>The deserialized value, when its type is immutable and one instance can serve every caller.</summary>
    public object? Value { get; init; }

    /// <summary>The serialized, uncompressed value.</summary>
    public required ReadOnlyMemory<byte> Payload { get; init; }

    public required long CreatedAt { get; init; }

    public required long ExpiresAt { get; init; }

    public required long StaleUntil { get; init; }

    /// <summary>From this moment a hit refreshes the entry in the background; <see cref="long.MaxValue"/> for never.</summary>
    public required long RefreshAt { get; init; }

    public required string[] Tags { get; init; }

    /// <summary>When this node put the entry in memory, to bound what it serves during a Redis outage.</summary>
    public long StoredLocallyAt { get; init; }

    public bool IsFresh(long now) => now < ExpiresAt;

    public bool IsUsableStale(long now) => now < StaleUntil;

    /// <summary>A copy for L1 that expires earlier (never later than it may be served stale).</summary>
    public CacheEntry With(long expiresAt, long storedLocallyAt, long? refreshAt = null) => new()
    {
        Value = Value,
        Payload = Payload,
        CreatedAt = CreatedAt,
        ExpiresAt = Math.Min(expiresAt, StaleUntil),
        StaleUntil = StaleUntil,
        RefreshAt = refreshAt ?? RefreshAt,
        Tags = Tags,
        StoredLocallyAt = storedLocallyAt,
    };

    /// <summary>A copy holding this deserialized value, shared by every caller from now on.</summary>
    public CacheEntry WithValue(object? value) => value == Value ? this : new()
    {
        Value = value,
        Payload = Payload,
        CreatedAt = CreatedAt,
        ExpiresAt = ExpiresAt,
        StaleUntil = StaleUntil,
        RefreshAt = RefreshAt,
        Tags = Tags,
        StoredLocallyAt = StoredLocallyAt,
    };
}

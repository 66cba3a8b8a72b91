namespace HexProperty.Caching;

/// <summary>
/// One profile's totals since the process started, for an operator or a benchmark that has no metrics pipeline at
/// hand. The hit ratio is the share of lookups answered without the factory, from either layer.
/// </summary>
public sealed record CacheProfileStatistics(
    string Profile, long LocalHits, long LocalMisses, long DistributedHits, long DistributedMisses, long FactoryCalls, long FactoryFailures, long StaleServed)
{
    public double HitRatio => LocalHits + LocalMisses == 0 ? 0 : (double)(LocalHits + DistributedHits) / (LocalHits + LocalMisses);
}

/// <summary>The cache as a whole, with each profile's totals.</summary>
public sealed record CacheStatistics(bool Enabled, bool RedisConfigured, bool RedisConnected, long LocalEntries, long LocalBytes, IReadOnlyList<CacheProfileStatistics> Profiles);

/// <summary>A profile's running totals, counted beside its metrics.</summary>
internal sealed class ProfileCounters
{
    public long LocalHits;
    public long LocalMisses;
    public long DistributedHits;
    public long DistributedMisses;
    public long FactoryCalls;
    public long FactoryFailures;
    public long StaleServed;

    public CacheProfileStatistics Snapshot(string profile) => new(
        profile, Volatile.Read(ref LocalHits), Volatile.Read(ref LocalMisses), Volatile.Read(ref DistributedHits), Volatile.Read(ref DistributedMisses),
        Volatile.Read(ref FactoryCalls), Volatile.Read(ref FactoryFailures), Volatile.Read(ref StaleServed));
}

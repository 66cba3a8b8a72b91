using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HexProperty.Caching;

/// <summary>
/// The cache's OpenTelemetry instruments (meter <c>HexProperty.Caching</c>). A profile's hit ratio is
/// hits / lookups of the local layer counted with any layer's hit:
/// <c>sum(lookups{result=hit}) / sum(lookups{layer=local})</c>.
/// </summary>
internal sealed class CacheMetrics
{
    public const string MeterName = "HexProperty.Caching";

    private readonly Counter<long> _lookups;
    private readonly Histogram<double> _factoryDuration;
    private readonly Counter<long> _staleServed;
    private readonly Counter<long> _bypassed;
    private readonly Counter<long> _backplaneMessages;
    private readonly Histogram<double> _backplaneDelay;
    private readonly Counter<long> _redisErrors;

    public CacheMetrics(IMeterFactory meterFactory, Func<int> breakerState, Func<long> localEntries, Func<long> localBytes, Func<int> connected)
    {
        var meter = meterFactory.Create(MeterName);
        _lookups = meter.CreateCounter<long>("hexproperty.cache.lookups", "{lookup}", "Cache lookups by profile, layer (local, distributed) and result (hit, miss).");
        _factoryDuration = meter.CreateHistogram<double>("hexproperty.cache.factory.duration", "s", "Factory calls by profile and outcome: what a miss costs.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _staleServed = meter.CreateCounter<long>("hexproperty.cache.stale_served", "{entry}", "Stale entries served by profile and reason (factory-failure, soft-timeout).");
        _bypassed = meter.CreateCounter<long>("hexproperty.cache.bypassed", "{call}", "Calls that could not be cached, by profile and reason (key, payload).");
        _backplaneMessages = meter.CreateCounter<long>("hexproperty.cache.backplane.messages", "{message}", "Backplane messages by direction (sent, received).");
        _backplaneDelay = meter.CreateHistogram<double>("hexproperty.cache.backplane.delay", "s", "From a node's publish to another node applying it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
        _redisErrors = meter.CreateCounter<long>("hexproperty.cache.redis.errors", "{error}", "Failed or refused Redis calls by operation.");
        meter.CreateObservableGauge("hexproperty.cache.breaker.state", breakerState, "{state}", "Redis circuit breaker: 0 closed, 1 open, 2 half-open, 3 isolated.");
        meter.CreateObservableGauge("hexproperty.cache.redis.connected", connected, "{state}", "1 while Redis is in use (L2 and backplane), 0 while the cache runs from memory alone.");
        meter.CreateObservableGauge("hexproperty.cache.local.entries", localEntries, "{entry}", "Entries in the in-process layer.");
        meter.CreateObservableGauge("hexproperty.cache.local.size", localBytes, "By", "Payload bytes in the in-process layer.");
    }

    public void Lookup(CacheProfile profile, string layer, bool hit)
    {
        var counters = profile.Counters;
        if (layer == LayeredHybridCache.LocalLayer)
        {
            Interlocked.Increment(ref hit ? ref counters.LocalHits : ref counters.LocalMisses);
        }
        else
        {
            Interlocked.Increment(ref hit ? ref counters.DistributedHits : ref counters.DistributedMisses);
        }

        _lookups.Add(1, new TagList { { "cache.profile", profile.Name }, { "cache.layer", layer }, { "cache.result", hit ? "hit" : "miss" } });
    }

    public void FactoryCompleted(CacheProfile profile, bool succeeded, TimeSpan elapsed)
    {
        Interlocked.Increment(ref profile.Counters.FactoryCalls);
        if (!succeeded)
        {
            Interlocked.Increment(ref profile.Counters.FactoryFailures);
        }

        _factoryDuration.Record(elapsed.TotalSeconds, new TagList { { "cache.profile", profile.Name }, { "outcome", succeeded ? "success" : "failure" } });
    }

    public void StaleServed(CacheProfile profile, string reason)
    {
        Interlocked.Increment(ref profile.Counters.StaleServed);
        _staleServed.Add(1, new TagList { { "cache.profile", profile.Name }, { "reason", reason } });
    }

    public void Bypassed(CacheProfile profile, string reason) =>
        _bypassed.Add(1, new TagList { { "cache.profile", profile.Name }, { "reason", reason } });

    public void BackplaneSent() => _backplaneMessages.Add(1, new KeyValuePair<string, object?>("direction", "sent"));

    public void BackplaneReceived(TimeSpan delay)
    {
        _backplaneMessages.Add(1, new KeyValuePair<string, object?>("direction", "received"));
        _backplaneDelay.Record(delay.TotalSeconds);
    }

    public void RedisError(string operation) => _redisErrors.Add(1, new KeyValuePair<string, object?>("operation", operation));
}

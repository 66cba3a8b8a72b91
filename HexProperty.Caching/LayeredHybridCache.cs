using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HexProperty.Caching;

/// <summary>
/// The framework's <see cref="HybridCache"/> over two layers: this process's memory (L1) and Redis (L2), with a
/// Redis pub/sub backplane so a write on one node reaches every node's L1. Beyond Microsoft's implementation:
/// invalidations that reach every node, fail-safe, soft timeouts, eager refresh, per-result options
/// (<see cref="CacheResult"/>), <see cref="TryGetAsync{T}"/>, and a Redis that may fail without failing a request.
/// </summary>
public sealed partial class LayeredHybridCache : HybridCache, IDisposable
{
    internal const string LocalLayer = "local";
    internal const string DistributedLayer = "distributed";

    private readonly HybridCacheOptions _options;
    private readonly CacheProfiles _profiles;
    private readonly CacheSerializers _serializers;
    private readonly CacheMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CacheClock _clock;
    private readonly MemoryCache _local;
    private readonly RedisLayer? _redis;
    private readonly Invalidations _invalidations = new();
    private readonly PendingInvalidations _pending;
    private readonly ConcurrentDictionary<string, InFlight> _inFlight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _synchronizing = new(1, 1);
    private readonly ITimer _maintenance;
    private readonly long _retention;
    private int _connected;
    private long _disconnectedSince;
    private int _messagesMayBeLost = 1; // at start nothing was heard yet
    private bool _subscribed;
    private long _lastPrune;

    public LayeredHybridCache(
        IOptions<HybridCacheOptions> options,
        CacheProfiles profiles,
        IServiceProvider services,
        System.Diagnostics.Metrics.IMeterFactory meterFactory,
        ILogger<LayeredHybridCache> logger,
        TimeProvider time,
        StackExchange.Redis.IConnectionMultiplexer? redis = null)
    {
        _options = options.Value;
        _profiles = profiles;
        _logger = logger;
        _time = time;
        _clock = new CacheClock(time);
        _retention = (long)_options.InvalidationRetention.TotalMicroseconds;
        _serializers = new CacheSerializers(services, _options.SerializerOptions);
        _pending = new PendingInvalidations(_options.MaxPendingInvalidations);
        _local = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.LocalSizeLimitBytes, TrackStatistics = true, CompactionPercentage = 0.2 });
        _metrics = new CacheMetrics(
            meterFactory,
            () => _redis is null ? 3 : (int)_redis.BreakerState,
            () => _local.GetCurrentStatistics()?.CurrentEntryCount ?? 0,
            () => _local.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0,
            () => IsConnected ? 1 : 0);
        if (redis is not null)
        {
            _redis = new RedisLayer(redis, _options, _metrics, logger);
            _redis.ConnectionFailed += ConnectionFailed;
            _redis.BreakerOpened += reason => Disconnected($"circuit breaker opened ({reason})");
            _redis.ConnectionRestored += () => _ = SynchronizeAsync();
            // Until the first synchronisation this node cannot hear invalidations: memory is short-lived meanwhile.
            _disconnectedSince = _clock.Now;
        }

        _maintenance = time.CreateTimer(_ => _ = MaintainAsync(), null, TimeSpan.Zero, _options.RecoveryInterval);
    }

    /// <summary>Whether Redis is in use: L2 read and written, invalidations sent and heard.</summary>
    public bool IsConnected => Volatile.Read(ref _connected) == 1;

    /// <summary>Whether the cache was configured with Redis at all.</summary>
    public bool HasDistributedLayer => _redis is not null;

    /// <summary>The state of the circuit breaker in front of Redis ("Closed", "Open", "HalfOpen"), or "None" without Redis.</summary>
    public string DistributedBreakerState => _redis?.BreakerState.ToString() ?? "None";

    /// <summary>Totals per profile since start, and the state of both layers.</summary>
    public CacheStatistics Statistics
    {
        get
        {
            var local = _local.GetCurrentStatistics();
            return new CacheStatistics(
                _options.Enabled, HasDistributedLayer, IsConnected, local?.CurrentEntryCount ?? 0, local?.CurrentEstimatedSize ?? 0,
                [.. _profiles.All.Append(_profiles.Default).Select(p => p.Counters.Snapshot(p.Name))]);
        }
    }

    /// <summary>This node's identity on the backplane.</summary>
    public Guid InstanceId { get; } = Guid.NewGuid();

    public override ValueTask<T> GetOrCreateAsync<TState, T>(
        string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(factory);
        var profile = _profiles.ForKey(key);
        if (!_options.Enabled || !IsCacheable(key, profile))
        {
            return factory(state, cancellationToken);
        }

        var flags = FlagsOf(options);
        CacheEntry? stale = null;
        if ((flags & HybridCacheEntryFlags.DisableLocalCacheRead) == 0)
        {
            var now = _clock.Now;
            if (TryGetLocal(key, now, out var entry, out stale))
            {
                _metrics.Lookup(profile, LocalLayer, hit: true);
                if (now >= entry.RefreshAt)
                {
                    StartRefresh(key, profile, state, factory, options, tags, flags, entry);
                }

                return new ValueTask<T>(ValueOf<T>(entry));
            }

            _metrics.Lookup(profile, LocalLayer, hit: false);
        }

        return new ValueTask<T>(JoinAsync(key, profile, state, factory, options, tags, flags, stale, cancellationToken));
    }

    /// <summary>
    /// The cached value if a fresh one is in memory or in Redis, without a factory: what HybridCache users ask for
    /// (dotnet/extensions#5688). A miss stores nothing.
    /// </summary>
    public async ValueTask<(bool Found, T? Value)> TryGetAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var profile = _profiles.ForKey(key);
        if (!_options.Enabled || !IsCacheable(key, profile))
        {
            return (false, default);
        }

        if (TryGetLocal(key, _clock.Now, out var entry, out _))
        {
            _metrics.Lookup(profile, LocalLayer, hit: true);
            return (true, ValueOf<T>(entry));
        }

        _metrics.Lookup(profile, LocalLayer, hit: false);
        var (fresh, _) = await ReadDistributedAsync<T>(key, profile, options: null, HybridCacheEntryFlags.None, refreshing: false);
        return fresh is null ? (false, default) : (true, ValueOf<T>(fresh));
    }

    public override async ValueTask SetAsync<T>(
        string key, T value, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var profile = _profiles.ForKey(key);
        if (!_options.Enabled || !IsCacheable(key, profile))
        {
            return;
        }

        var flags = FlagsOf(options);
        var entry = NewEntry(key, profile, value, _clock.Now, options, EffectiveTags(profile, tags), decision: null);
        if (entry is null)
        {
            return;
        }

        await StoreAsync(key, profile, entry, options, flags);
        if (IsConnected && (flags & HybridCacheEntryFlags.DisableDistributedCacheWrite) == 0)
        {
            // Other nodes drop their copy and reload this one from Redis when asked.
            await PublishAsync([new Invalidation(InvalidationKind.Set, key, entry.CreatedAt)]);
        }
    }

    public override ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RemoveAsync([key], cancellationToken);
    }

    public override async ValueTask RemoveAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var now = _clock.Now;
        var invalidations = keys.Distinct(StringComparer.Ordinal).Select(k => new Invalidation(InvalidationKind.Key, k, now)).ToList();
        foreach (var invalidation in invalidations)
        {
            _invalidations.Apply(invalidation.Kind, invalidation.Name, invalidation.At);
            _local.Remove(invalidation.Name);
        }

        await PropagateAsync(invalidations, [.. invalidations.Select(i => (StackExchange.Redis.RedisKey)RedisKey(i.Name))]);
    }

    public override ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return RemoveByTagAsync([tag], cancellationToken);
    }

    /// <summary>Invalidates every entry carrying any of the tags, on every node; "*" invalidates everything.</summary>
    public override async ValueTask RemoveByTagAsync(IEnumerable<string> tags, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var now = _clock.Now;
        var invalidations = tags.Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.Ordinal)
            .Select(t => t == Invalidations.Everything
                ? new Invalidation(InvalidationKind.Everything, Invalidations.Everything, now)
                : new Invalidation(InvalidationKind.Tag, t, now))
            .ToList();
        if (invalidations.Count == 0)
        {
            return;
        }

        foreach (var invalidation in invalidations)
        {
            _invalidations.Apply(invalidation.Kind, invalidation.Name, invalidation.At);
        }

        if (invalidations.Any(i => i.Kind == InvalidationKind.Everything))
        {
            _local.Clear();
        }

        await PropagateAsync(invalidations, []);
    }

    public void Dispose()
    {
        if (_stopping.IsCancellationRequested)
        {
            return; // registered as itself and as HybridCache: the container disposes it twice
        }

        _stopping.Cancel();
        _maintenance.Dispose();
        _local.Dispose();
        _stopping.Dispose();
        // _synchronizing is not disposed: a synchronisation in flight releases it after this, and a SemaphoreSlim
        // whose wait handle was never asked for holds nothing to free.
    }

    private async Task<T> JoinAsync<TState, T>(
        string key, CacheProfile profile, TState state, Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options, IEnumerable<string>? tags, HybridCacheEntryFlags flags, CacheEntry? stale, CancellationToken cancellationToken)
    {
        InFlight flight;
        while (true)
        {
            if (_inFlight.TryGetValue(key, out var existing))
            {
                if (existing.TryJoin())
                {
                    flight = existing;
                    break;
                }

                _inFlight.TryRemove(KeyValuePair.Create(key, existing)); // every caller of it cancelled: start anew
                continue;
            }

            var started = new InFlight(_stopping.Token, detached: false);
            if (_inFlight.TryAdd(key, started))
            {
                started.TryJoin();
                started.Stale = stale;
                _ = RunFillAsync(key, profile, state, factory, options, tags, flags, started, refreshing: false);
                flight = started;
                break;
            }

            started.Dispose();
        }

        try
        {
            if (profile.FactorySoftTimeout is { } softTimeout && !flight.Completion.Task.IsCompleted)
            {
                var first = await Task.WhenAny(flight.Completion.Task, Task.Delay(softTimeout, _time, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                if (first != flight.Completion.Task && (flight.Stale ?? stale) is { } fallback && _invalidations.IsValid(key, fallback))
                {
                    flight.Detach();
                    _metrics.StaleServed(profile, "soft-timeout");
                    LogSoftTimeout(key, softTimeout);
                    return ValueOf<T>(fallback);
                }
            }

            var filled = await flight.Completion.Task.WaitAsync(cancellationToken);
            return filled.Entry is { } entry ? ValueOf<T>(entry) : (T)filled.Value!;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            flight.CallerCancelled();
            throw;
        }
    }

    /// <summary>Refreshes a hot entry in the background, outside the request that noticed it is due.</summary>
    private void StartRefresh<TState, T>(
        string key, CacheProfile profile, TState state, Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options, IEnumerable<string>? tags, HybridCacheEntryFlags flags, CacheEntry current)
    {
        var flight = new InFlight(_stopping.Token, detached: true) { Stale = current };
        if (!_inFlight.TryAdd(key, flight))
        {
            flight.Dispose();
            return; // already being filled
        }

        // No request's context (trace, HttpContext) flows into work that outlives the request.
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(() => RunFillAsync(key, profile, state, factory, options, tags, flags, flight, refreshing: true));
        }
    }

    private async Task RunFillAsync<TState, T>(
        string key, CacheProfile profile, TState state, Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options, IEnumerable<string>? tags, HybridCacheEntryFlags flags, InFlight flight, bool refreshing)
    {
        try
        {
            var filled = await FillAsync(key, profile, state, factory, options, tags, flags, flight, refreshing);
            // Out of the map before its callers go on (their continuations run at once, elsewhere): one that asks again
            // must find the stored entry, not join this finished fill and get its value back however stale it now is.
            _inFlight.TryRemove(KeyValuePair.Create(key, flight));
            flight.Completion.TrySetResult(filled);
        }
        catch (Exception e)
        {
            _inFlight.TryRemove(KeyValuePair.Create(key, flight));
            if (flight.IsDetached)
            {
                LogRefreshFailed(e, key);
            }

            if (e is OperationCanceledException canceled)
            {
                flight.Completion.TrySetCanceled(canceled.CancellationToken);
            }
            else
            {
                flight.Completion.TrySetException(e);
            }

            _ = flight.Completion.Task.Exception; // observed: whoever joined has it, nobody else should hear of it
        }
        finally
        {
            flight.Dispose();
        }
    }

    private async Task<Filled> FillAsync<TState, T>(
        string key, CacheProfile profile, TState state, Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options, IEnumerable<string>? tags, HybridCacheEntryFlags flags, InFlight flight, bool refreshing)
    {
        var (fresh, remoteStale) = await ReadDistributedAsync<T>(key, profile, options, flags, refreshing);
        if (fresh is not null)
        {
            return new Filled(fresh, null);
        }

        if (remoteStale is not null && remoteStale.CreatedAt > (flight.Stale?.CreatedAt ?? long.MinValue))
        {
            flight.Stale = remoteStale;
        }

        if ((flags & HybridCacheEntryFlags.DisableUnderlyingData) != 0)
        {
            return new Filled(null, default(T));
        }

        // Stamped before the factory reads anything: a write that lands while it runs invalidates what it returns.
        var createdAt = _clock.Now;
        var effectiveTags = EffectiveTags(profile, tags);
        var started = Stopwatch.GetTimestamp();
        T value;
        CacheResult.Decision decision;
        try
        {
            (value, decision) = await CacheResult.RunAsync(factory, state, flight.Token);
            _metrics.FactoryCompleted(profile, succeeded: true, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e) when (e is not OperationCanceledException || !flight.Token.IsCancellationRequested)
        {
            _metrics.FactoryCompleted(profile, succeeded: false, Stopwatch.GetElapsedTime(started));
            var now = _clock.Now;
            if (flight.Stale is { } stale && stale.IsUsableStale(now) && _invalidations.IsValid(key, stale))
            {
                // Fail-safe: serve what we had, and do not ask the failing source again for a while.
                _metrics.StaleServed(profile, "factory-failure");
                LogFailSafe(e, key, CacheClock.Between(stale.ExpiresAt, now), profile.FailSafeThrottleDuration);
                var throttled = stale.With(CacheClock.Add(now, profile.FailSafeThrottleDuration), now, refreshAt: long.MaxValue).WithValue(Reused<T>(stale));
                StoreLocal(key, throttled);
                return new Filled(throttled, null);
            }

            throw;
        }

        if (decision.Tags.Count > 0)
        {
            effectiveTags = [.. effectiveTags.Union(decision.Tags, StringComparer.Ordinal)];
        }

        var entry = NewEntry(key, profile, value, createdAt, options, effectiveTags, decision);
        if (entry is null || !_invalidations.IsValid(key, entry))
        {
            return new Filled(null, value); // for the callers that asked, but not kept: not wanted, too large, or already outdated
        }

        await StoreAsync(key, profile, entry, options, flags);
        return new Filled(entry, null);
    }

    private CacheEntry? NewEntry<T>(string key, CacheProfile profile, T value, long createdAt, HybridCacheEntryOptions? options, string[] tags, CacheResult.Decision? decision)
    {
        if (decision is { Skip: true } || decision?.Expiration <= TimeSpan.Zero)
        {
            return null;
        }

        var payload = _serializers.Serialize(value);
        if (payload.Length > _options.MaximumPayloadBytes)
        {
            _metrics.Bypassed(profile, "payload");
            LogPayloadTooLarge(key, payload.Length, _options.MaximumPayloadBytes);
            return null;
        }

        var expiration = options?.Expiration ?? profile.EntryOptions.Expiration!.Value;
        if (decision?.Expiration is { } decided && decided < expiration)
        {
            expiration = decided;
        }

        var expiresAt = CacheClock.Add(createdAt, expiration);
        var staleUntil = Math.Min(CacheClock.Add(expiresAt, profile.FailSafeMaxDuration), createdAt + _retention);
        return new CacheEntry
        {
            Value = CacheSerializers.IsReusable<T>() ? value : null,
            Payload = payload,
            CreatedAt = createdAt,
            ExpiresAt = Math.Min(expiresAt, staleUntil),
            StaleUntil = staleUntil,
            RefreshAt = profile.EagerRefreshThreshold is { } threshold ? createdAt + (long)((expiresAt - createdAt) * threshold) : long.MaxValue,
            Tags = tags,
        };
    }

    /// <summary>Writes an entry to memory (for at most the local expiration) and to Redis.</summary>
    private async Task StoreAsync(string key, CacheProfile profile, CacheEntry entry, HybridCacheEntryOptions? options, HybridCacheEntryFlags flags)
    {
        var now = _clock.Now;
        if ((flags & HybridCacheEntryFlags.DisableLocalCacheWrite) == 0)
        {
            StoreLocal(key, LocalCopy(entry, profile, options, now, entry.Value));
        }

        if ((flags & HybridCacheEntryFlags.DisableDistributedCacheWrite) == 0 && IsConnected)
        {
            var compressAbove = (flags & HybridCacheEntryFlags.DisableCompression) != 0 ? 0 : profile.CompressAboveBytes;
            await _redis!.SetAsync(RedisKey(key), CacheEnvelope.Write(entry, compressAbove), CacheClock.Between(now, entry.StaleUntil));
        }
    }

    private static CacheEntry LocalCopy(CacheEntry entry, CacheProfile profile, HybridCacheEntryOptions? options, long now, object? value)
    {
        var local = options?.LocalCacheExpiration ?? profile.EntryOptions.LocalCacheExpiration!.Value;
        return entry.With(Math.Min(entry.ExpiresAt, CacheClock.Add(now, local)), now).WithValue(value);
    }

    private void StoreLocal(string key, CacheEntry entry)
    {
        var lifetime = CacheClock.Between(_clock.Now, entry.StaleUntil);
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        using var item = _local.CreateEntry(key);
        item.Value = entry;
        item.Size = entry.Payload.Length + (key.Length * 2) + 128;
        item.AbsoluteExpirationRelativeToNow = lifetime;
    }

    private bool TryGetLocal(string key, long now, out CacheEntry fresh, out CacheEntry? stale)
    {
        fresh = null!;
        stale = null;
        if (!_local.TryGetValue(key, out var item) || item is not CacheEntry entry)
        {
            return false;
        }

        if (!_invalidations.IsValid(key, entry))
        {
            _local.Remove(key);
            return false;
        }

        if (entry.IsFresh(now) && !OutlivedOutage(entry, now))
        {
            fresh = entry;
            return true;
        }

        stale = entry.IsUsableStale(now) ? entry : null;
        return false;
    }

    /// <summary>While Redis is gone this node hears no invalidations, so nothing in memory is served for long.</summary>
    private bool OutlivedOutage(CacheEntry entry, long now)
    {
        var since = Volatile.Read(ref _disconnectedSince);
        return since != 0 && now >= CacheClock.Add(Math.Max(since, entry.StoredLocallyAt), _options.OutageLocalExpiration);
    }

    /// <summary>
    /// Reads the key from Redis: a fresh entry (also copied to memory), else a stale one usable for fail-safe.
    /// A refresh skips an entry that is itself due for refresh, so it reaches the factory.
    /// </summary>
    private async Task<(CacheEntry? Fresh, CacheEntry? Stale)> ReadDistributedAsync<T>(
        string key, CacheProfile profile, HybridCacheEntryOptions? options, HybridCacheEntryFlags flags, bool refreshing)
    {
        if ((flags & HybridCacheEntryFlags.DisableDistributedCacheRead) != 0 || !IsConnected)
        {
            return (null, null);
        }

        var (_, bytes) = await _redis!.GetAsync(RedisKey(key));
        var now = _clock.Now;
        var remote = bytes is null ? null : CacheEnvelope.Read(bytes);
        if (remote is not null && _invalidations.IsValid(key, remote))
        {
            if (remote.IsFresh(now) && !(refreshing && now >= remote.RefreshAt))
            {
                _metrics.Lookup(profile, DistributedLayer, hit: true);
                var local = LocalCopy(remote, profile, options, now, Reused<T>(remote));
                if ((flags & HybridCacheEntryFlags.DisableLocalCacheWrite) == 0)
                {
                    StoreLocal(key, local);
                }

                return (local, null);
            }

            _metrics.Lookup(profile, DistributedLayer, hit: false);
            return (null, remote.IsUsableStale(now) ? remote : null);
        }

        _metrics.Lookup(profile, DistributedLayer, hit: false);
        return (null, null);
    }

    private T ValueOf<T>(CacheEntry entry) => entry.Value is T value ? value : _serializers.Deserialize<T>(entry.Payload);

    /// <summary>The instance every caller may share, deserialized once, when the type allows it.</summary>
    private object? Reused<T>(CacheEntry entry) =>
        !CacheSerializers.IsReusable<T>() ? null : entry.Value is T ? entry.Value : _serializers.Deserialize<T>(entry.Payload);

    private HybridCacheEntryFlags FlagsOf(HybridCacheEntryOptions? options) =>
        options?.Flags ?? _options.DefaultEntryOptions.Flags ?? HybridCacheEntryFlags.None;

    private bool IsCacheable(string key, CacheProfile profile)
    {
        if (key.Length > 0 && key.Length <= _options.MaximumKeyLength && !key.Any(char.IsControl))
        {
            return true;
        }

        _metrics.Bypassed(profile, "key");
        LogKeyRejected(key.Length, _options.MaximumKeyLength);
        return false;
    }

    private static string[] EffectiveTags(CacheProfile profile, IEnumerable<string>? tags)
    {
        if (tags is null)
        {
            return profile.Tags as string[] ?? [.. profile.Tags];
        }

        var all = new List<string>(profile.Tags);
        foreach (var tag in tags)
        {
            if (string.IsNullOrWhiteSpace(tag) || tag == Invalidations.Everything)
            {
                throw new ArgumentException($"A cache tag cannot be empty or \"{Invalidations.Everything}\".", nameof(tags));
            }

            if (!all.Contains(tag, StringComparer.Ordinal))
            {
                all.Add(tag);
            }
        }

        return [.. all];
    }

    private string RedisKey(string key) => _options.KeyPrefix + key;
}

using StackExchange.Redis;

namespace HexProperty.Caching;

/// <summary>
/// How the cache lives with Redis coming and going. Connected: L2 is read and written, invalidations are recorded
/// and published. Disconnected (at start, on a failed connection, when the breaker opens, or when an invalidation
/// could not be sent): memory only, each entry served at most <see cref="HybridCacheOptions.OutageLocalExpiration"/>,
/// invalidations queued. Every <see cref="HybridCacheOptions.RecoveryInterval"/> a disconnected cache tries to
/// synchronise, on the recovery budget: load the invalidations it missed, replay its own, drop its memory unless it
/// can have missed nothing (no connection failed and the outage was shorter than the limit), close the breaker, and
/// connect again.
/// </summary>
public sealed partial class LayeredHybridCache
{
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);

    /// <summary>Records invalidations in Redis and tells every other node; queues them while Redis is unreachable.</summary>
    private async Task PropagateAsync(List<Invalidation> invalidations, RedisKey[] deleteKeys)
    {
        if (_redis is null)
        {
            return;
        }

        if (IsConnected)
        {
            var recorded = _redis.RecordAsync(invalidations);
            var published = PublishAsync(invalidations);
            var deleted = _redis.DeleteAsync(deleteKeys);
            if (await recorded && await published)
            {
                await deleted;
                return;
            }

            Disconnected("an invalidation could not be sent");
        }

        _pending.Add(invalidations);
    }

    private async Task<bool> PublishAsync(IReadOnlyList<Invalidation> invalidations, bool recovery = false)
    {
        if (!await _redis!.PublishAsync(CacheBackplane.Encode(InstanceId, _clock.Now, invalidations), recovery))
        {
            return false;
        }

        _metrics.BackplaneSent();
        return true;
    }

    private void OnBackplaneMessage(byte[] message)
    {
        if (!CacheBackplane.TryDecode(message, out var sender, out var sentAt, out var items) || sender == InstanceId)
        {
            return;
        }

        _metrics.BackplaneReceived(CacheClock.Between(sentAt, _clock.Now));
        foreach (var item in items)
        {
            switch (item.Kind)
            {
                case InvalidationKind.Set:
                    _local.Remove(item.Name);
                    break;
                case InvalidationKind.Key:
                    _invalidations.Apply(item.Kind, item.Name, item.At);
                    _local.Remove(item.Name);
                    break;
                case InvalidationKind.Everything:
                    _invalidations.Apply(item.Kind, item.Name, item.At);
                    _local.Clear();
                    break;
                default:
                    _invalidations.Apply(item.Kind, item.Name, item.At);
                    break;
            }
        }
    }

    /// <summary>A connection to Redis failed: a message sent to this node meanwhile may be lost.</summary>
    private void ConnectionFailed(string reason)
    {
        Volatile.Write(ref _messagesMayBeLost, 1);
        Disconnected(reason);
    }

    private void Disconnected(string reason)
    {
        if (_redis is null)
        {
            return;
        }

        Interlocked.CompareExchange(ref _disconnectedSince, _clock.Now, 0);
        if (Interlocked.Exchange(ref _connected, 0) == 1)
        {
            LogDisconnected(reason, _options.OutageLocalExpiration);
        }
    }

    private async Task MaintainAsync()
    {
        try
        {
            var now = _clock.Now;
            if (now - Volatile.Read(ref _lastPrune) >= (long)PruneInterval.TotalMicroseconds)
            {
                Volatile.Write(ref _lastPrune, now);
                _invalidations.Prune(now - _retention);
            }

            if (!IsConnected)
            {
                await SynchronizeAsync();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogMaintenanceFailed(e);
        }
    }

    /// <summary>Brings a disconnected cache back: only when Redis answers, the missed invalidations are loaded, and ours are sent.</summary>
    private async Task SynchronizeAsync()
    {
        if (_redis is null || IsConnected || _stopping.IsCancellationRequested || !await _synchronizing.WaitAsync(0))
        {
            return;
        }

        try
        {
            if (!_subscribed)
            {
                // Subscribed once: the multiplexer subscribes again by itself after a reconnect.
                await _redis.SubscribeAsync(OnBackplaneMessage).WaitAsync(_options.RecoveryTimeout);
                _subscribed = true;
            }

            if (!_redis.IsConnected || !await _redis.PingAsync())
            {
                return;
            }

            var now = _clock.Now;
            var pending = _pending.Take(now);
            if (await _redis.IsNewRunAsync() is not { } newRun)
            {
                _pending.Add(pending);
                return;
            }

            if (newRun)
            {
                // Redis restarted: invalidations after its last save are gone, entries saved before them may be back.
                pending.Add(new Invalidation(InvalidationKind.Everything, Invalidations.Everything, now));
                _invalidations.Apply(InvalidationKind.Everything, Invalidations.Everything, now);
            }

            if (await _redis.ReadInvalidationsAsync(now - _retention) is not { } missed)
            {
                _pending.Add(pending);
                return;
            }

            foreach (var invalidation in missed)
            {
                _invalidations.Apply(invalidation.Kind, invalidation.Name, invalidation.At);
            }

            if (pending.Count > 0 && !(await _redis.RecordAsync(pending, recovery: true) && await PublishAsync(pending, recovery: true)))
            {
                _pending.Add(pending);
                return;
            }

            var outage = CacheClock.Between(Volatile.Read(ref _disconnectedSince), now);
            // With the subscription up the whole time, every invalidation and new value sent meanwhile reached this
            // node, and within the outage limit nothing held was served past it: memory stays. Otherwise it may have
            // missed one: start over from Redis. (A loaded machine opens the breaker without Redis being gone; dropping
            // memory at every recovery then multiplied the work the load had caused.)
            var keep = Interlocked.Exchange(ref _messagesMayBeLost, 0) == 0 && outage < _options.OutageLocalExpiration;
            if (!keep)
            {
                _local.Clear();
            }

            await _redis.CloseBreakerAsync();
            Volatile.Write(ref _disconnectedSince, 0);
            Volatile.Write(ref _connected, 1);
            LogConnected(missed.Count, pending.Count, keep ? "kept" : "dropped", outage);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogSynchronizeFailed(e.Message);
        }
        finally
        {
            _synchronizing.Release();
        }
    }
}

namespace HexProperty.Caching;

/// <summary>
/// Invalidations made while Redis was unreachable, to send when it is back so other nodes learn of them. Bounded:
/// past the limit, what was lost is replaced by one invalidation of everything, which is always correct.
/// </summary>
internal sealed class PendingInvalidations(int limit)
{
    private readonly Lock _lock = new();
    private List<Invalidation> _items = [];
    private bool _overflowed;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _overflowed ? 1 : _items.Count;
            }
        }
    }

    public void Add(IEnumerable<Invalidation> invalidations)
    {
        lock (_lock)
        {
            if (_overflowed)
            {
                return;
            }

            foreach (var invalidation in invalidations)
            {
                if (invalidation.Kind == InvalidationKind.Set)
                {
                    continue; // a new value is not an invalidation: after an outage every node drops its memory anyway
                }

                if (_items.Count >= limit)
                {
                    _overflowed = true;
                    _items.Clear();
                    return;
                }

                _items.Add(invalidation);
            }
        }
    }

    /// <summary>Takes everything pending; <paramref name="now"/> dates the invalidation of everything after an overflow.</summary>
    public List<Invalidation> Take(long now)
    {
        lock (_lock)
        {
            var taken = _overflowed ? [new Invalidation(InvalidationKind.Everything, Invalidations.Everything, now)] : _items;
            _items = [];
            _overflowed = false;
            return taken;
        }
    }
}

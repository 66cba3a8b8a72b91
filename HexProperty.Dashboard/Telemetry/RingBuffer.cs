namespace HexProperty.Dashboard.Telemetry;

/// <summary>
/// A fixed number of the newest items: adding to a full buffer overwrites the oldest and hands it back, so the owner
/// can drop what indexes it. Not thread-safe; the owning store holds its lock.
/// </summary>
internal sealed class RingBuffer<T>(int capacity)
{
    private readonly T[] _items = new T[Math.Max(1, capacity)];
    private int _start;

    public int Count { get; private set; }

    public int Capacity => _items.Length;

    /// <summary>Adds <paramref name="item"/>; returns true with the evicted oldest item when the buffer was full.</summary>
    public bool Add(T item, out T evicted)
    {
        if (Count < _items.Length)
        {
            _items[(_start + Count) % _items.Length] = item;
            Count++;
            evicted = default!;
            return false;
        }

        evicted = _items[_start];
        _items[_start] = item;
        _start = (_start + 1) % _items.Length;
        return true;
    }

    /// <summary>Oldest first.</summary>
    public IEnumerable<T> Items()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _items[(_start + i) % _items.Length];
        }
    }

    /// <summary>Newest first.</summary>
    public IEnumerable<T> NewestFirst()
    {
        for (var i = Count - 1; i >= 0; i--)
        {
            yield return _items[(_start + i) % _items.Length];
        }
    }

    public T Newest => Count > 0 ? _items[(_start + Count - 1) % _items.Length] : throw new InvalidOperationException("The buffer is empty.");
}

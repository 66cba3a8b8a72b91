namespace HexProperty.Caching;

/// <summary>
/// One key being filled (read from Redis, else produced by the factory) for everyone who asked for it meanwhile:
/// per-key stampede protection. The factory's token is cancelled only when every caller has cancelled, and never
/// once a caller has walked away with a stale value, because then the refresh must finish for the next reader.
/// </summary>
internal sealed class InFlight : IDisposable
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _cancellation;
    private int _callers;
    private int _cancelled;
    private bool _detached;
    private bool _disposed;
    private bool _cancelling;

    public InFlight(CancellationToken stopping, bool detached)
    {
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _detached = detached;
    }

    public TaskCompletionSource<Filled> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationToken Token => _cancellation.Token;

    /// <summary>The freshest usable stale entry known so far: from memory, then from Redis once read.</summary>
    public CacheEntry? Stale { get; set; }

    /// <summary>Whether the fill runs for nobody waiting: a background refresh, or one a caller left behind.</summary>
    public bool IsDetached
    {
        get
        {
            lock (_lock)
            {
                return _detached;
            }
        }
    }

    /// <summary>Joins this fill, unless every caller has already cancelled it.</summary>
    public bool TryJoin()
    {
        lock (_lock)
        {
            if (_cancellation.IsCancellationRequested)
            {
                return false;
            }

            _callers++;
            return true;
        }
    }

    public void CallerCancelled()
    {
        lock (_lock)
        {
            _cancelled++;
            if (_cancelled < _callers || _detached || _disposed)
            {
                return;
            }

            _cancelling = true;
        }

        // Outside the lock: cancelling runs the factory's continuations inline, and they end by disposing this.
        _cancellation.Cancel();
        lock (_lock)
        {
            _cancelling = false;
            if (_disposed)
            {
                _cancellation.Dispose();
            }
        }
    }

    /// <summary>A caller took a stale value and left; the fill now finishes for whoever asks next.</summary>
    public void Detach()
    {
        lock (_lock)
        {
            _detached = true;
        }
    }

    /// <summary>Called once the fill has completed: frees the link to the cache's stopping token.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            if (!_cancelling)
            {
                _cancellation.Dispose(); // otherwise the canceller disposes it once Cancel returns
            }
        }
    }
}

/// <summary>What a fill produced: an entry that is cached, or a value that could not be (too large, raced a write, not wanted).</summary>
internal readonly record struct Filled(CacheEntry? Entry, object? Value);

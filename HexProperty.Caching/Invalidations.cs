using System.Collections.Concurrent;

namespace HexProperty.Caching;

/// <summary>
/// When each tag and key was last invalidated, and when everything was ("*"). Filled from Redis at start and after an
/// outage, then kept current by the backplane. An entry is valid only if it was created after every invalidation
/// that concerns it: this is how tag invalidation works without touching the entries themselves.
/// </summary>
internal sealed class Invalidations
{
    public const string Everything = "*";

    private readonly ConcurrentDictionary<string, long> _tags = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _keys = new(StringComparer.Ordinal);
    private long _everything;

    public int Count => _tags.Count + _keys.Count;

    public bool IsValid(string key, CacheEntry entry)
    {
        var createdAt = entry.CreatedAt;
        if (Volatile.Read(ref _everything) >= createdAt || (_keys.TryGetValue(key, out var keyAt) && keyAt >= createdAt))
        {
            return false;
        }

        foreach (var tag in entry.Tags)
        {
            if (_tags.TryGetValue(tag, out var tagAt) && tagAt >= createdAt)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether anything the entry depends on was invalidated at or after <paramref name="since"/>.</summary>
    public bool ChangedSince(string key, IReadOnlyList<string> tags, long since)
    {
        if (Volatile.Read(ref _everything) >= since || (_keys.TryGetValue(key, out var keyAt) && keyAt >= since))
        {
            return true;
        }

        foreach (var tag in tags)
        {
            if (_tags.TryGetValue(tag, out var tagAt) && tagAt >= since)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Records an invalidation; an older one than already known changes nothing, so replays and races are harmless.</summary>
    public void Apply(InvalidationKind kind, string name, long at)
    {
        switch (kind)
        {
            case InvalidationKind.Tag when name == Everything:
            case InvalidationKind.Everything:
                long current;
                do
                {
                    current = Volatile.Read(ref _everything);
                }
                while (at > current && Interlocked.CompareExchange(ref _everything, at, current) != current);
                break;
            case InvalidationKind.Tag:
                _tags.AddOrUpdate(name, at, (_, existing) => Math.Max(existing, at));
                break;
            case InvalidationKind.Key:
                _keys.AddOrUpdate(name, at, (_, existing) => Math.Max(existing, at));
                break;
        }
    }

    /// <summary>Forgets invalidations older than anything that can still be cached.</summary>
    public void Prune(long before)
    {
        foreach (var (name, at) in _tags)
        {
            if (at < before)
            {
                _tags.TryRemove(KeyValuePair.Create(name, at));
            }
        }

        foreach (var (name, at) in _keys)
        {
            if (at < before)
            {
                _keys.TryRemove(KeyValuePair.Create(name, at));
            }
        }
    }
}

internal enum InvalidationKind : byte
{
    Tag = (byte)'t',
    Key = (byte)'k',
    Everything = (byte)'*',

    /// <summary>Not an invalidation: another node wrote a new value for the key, so this node drops its copy.</summary>
    Set = (byte)'s',
}

/// <summary>One invalidation as stored in Redis and sent over the backplane.</summary>
internal readonly record struct Invalidation(InvalidationKind Kind, string Name, long At)
{
    /// <summary>The member of the Redis sorted set: kind and name, so a tag and a key of the same text stay apart.</summary>
    public string Member => Kind == InvalidationKind.Everything ? "*" : $"{(char)Kind}:{Name}";

    public static Invalidation? FromMember(string member, long at) => member switch
    {
        "*" => new Invalidation(InvalidationKind.Everything, Invalidations.Everything, at),
        ['t', ':', ..] => new Invalidation(InvalidationKind.Tag, member[2..], at),
        ['k', ':', ..] => new Invalidation(InvalidationKind.Key, member[2..], at),
        _ => null,
    };
}

using Microsoft.Extensions.Options;

namespace HexProperty.Caching;

/// <summary>The configured profiles, found by name for callers and by key namespace for the cache.</summary>
public sealed class CacheProfiles
{
    private readonly Dictionary<string, CacheProfile> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CacheProfile>.AlternateLookup<ReadOnlySpan<char>> _byNamespace;

    public CacheProfiles(IOptions<HybridCacheOptions> options)
    {
        var cache = options.Value;
        Default = CacheProfile.Default(cache);
        var byNamespace = new Dictionary<string, CacheProfile>(StringComparer.Ordinal);
        foreach (var (name, profileOptions) in cache.Profiles)
        {
            var profile = new CacheProfile(name, profileOptions, cache);
            _byName[name] = profile;
            if (!byNamespace.TryAdd(profile.Namespace, profile))
            {
                throw new ArgumentException($"Caching profiles '{byNamespace[profile.Namespace].Name}' and '{name}' share the namespace '{profile.Namespace}'.");
            }
        }

        _byNamespace = byNamespace.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public CacheProfile Default { get; }

    public IEnumerable<CacheProfile> All => _byName.Values;

    /// <summary>The profile of this name; a missing profile is a configuration mistake, so it throws.</summary>
    public CacheProfile this[string name] => _byName.TryGetValue(name, out var profile)
        ? profile
        : throw new KeyNotFoundException($"No caching profile '{name}' is configured (Caching:Profiles:{name}).");

    /// <summary>The profile whose namespace is the key's first segment, or the default profile.</summary>
    public CacheProfile ForKey(string key)
    {
        var separator = key.IndexOf(':', StringComparison.Ordinal);
        return separator > 0 && _byNamespace.TryGetValue(key.AsSpan(0, separator), out var profile) ? profile : Default;
    }
}

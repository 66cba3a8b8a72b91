namespace HexProperty.Caching;

/// <summary>
/// Lets a factory decide about the value it is producing, which the standard <c>HybridCache</c> signature has no
/// room for: <c>CacheResult.DoNotCache()</c> for a result not worth keeping (not found, partial), or
/// <c>CacheResult.ExpireAfter(...)</c> when the data says how long it stays true, <c>CacheResult.AddTags(...)</c> for
/// tags only the data knows (the agency of a property). Outside a factory, these do nothing.
/// </summary>
public static class CacheResult
{
    private static readonly AsyncLocal<Decision?> Current = new();

    /// <summary>The value is returned to every caller waiting for it but not stored.</summary>
    public static void DoNotCache()
    {
        if (Current.Value is { } decision)
        {
            decision.Skip = true;
        }
    }

    /// <summary>Stores the value for at most this long (in memory too), shortening what the profile says.</summary>
    public static void ExpireAfter(TimeSpan expiration)
    {
        if (Current.Value is { } decision)
        {
            decision.Expiration = decision.Expiration is { } earlier && earlier < expiration ? earlier : expiration;
        }
    }

    /// <summary>Tags the value as well, with tags known only once it is read; invalidations since the factory started count.</summary>
    public static void AddTags(params string[] tags)
    {
        if (Current.Value is { } decision)
        {
            foreach (var tag in tags)
            {
                if (string.IsNullOrWhiteSpace(tag) || tag == Invalidations.Everything)
                {
                    throw new ArgumentException($"A cache tag cannot be empty or \"{Invalidations.Everything}\".", nameof(tags));
                }

                decision.Tags.Add(tag);
            }
        }
    }

    /// <summary>Runs a factory with a fresh decision in scope and hands back what it decided.</summary>
    internal static async ValueTask<(T Value, Decision Decision)> RunAsync<TState, T>(
        Func<TState, CancellationToken, ValueTask<T>> factory, TState state, CancellationToken cancellationToken)
    {
        var decision = new Decision();
        Current.Value = decision; // flows into the factory; this async method's own context is restored on return
        var value = await factory(state, cancellationToken);
        return (value, decision);
    }

    internal sealed class Decision
    {
        public bool Skip { get; set; }

        public TimeSpan? Expiration { get; set; }

        public List<string> Tags { get; } = [];
    }
}

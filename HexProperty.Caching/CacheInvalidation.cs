using Microsoft.Extensions.Caching.Hybrid;

namespace HexProperty.Caching;

public static class CacheInvalidation
{
    /// <summary>
    /// Invalidates by tag after a committed write. Never cancelled: a client that hangs up after the commit must not
    /// leave the cache serving what the write changed. Returns once this node and Redis know (other nodes hear it
    /// over the backplane); with Redis down it is queued, never thrown.
    /// </summary>
    public static ValueTask InvalidateAfterWriteAsync(this HybridCache cache, IEnumerable<string> tags) =>
        cache.RemoveByTagAsync(tags, CancellationToken.None);
}

using Microsoft.Extensions.Logging;

namespace HexProperty.Caching;

public sealed partial class LayeredHybridCache
{
    [LoggerMessage(1, LogLevel.Warning, "Redis is unavailable ({Reason}): the cache serves from memory, each entry for at most {Limit}, and from the source")]
    private partial void LogDisconnected(string reason, TimeSpan limit);

    [LoggerMessage(2, LogLevel.Information, "Cache connected to Redis: {Missed} invalidations loaded, {Replayed} replayed, memory {Memory} after {Outage} without Redis")]
    private partial void LogConnected(int missed, int replayed, string memory, TimeSpan outage);

    [LoggerMessage(3, LogLevel.Debug, "Cache could not synchronise with Redis yet: {Error}")]
    private partial void LogSynchronizeFailed(string error);

    [LoggerMessage(4, LogLevel.Warning, "Serving a stale value for {Key}, {Age} past its expiry, because its factory failed; trying again in {Throttle}")]
    private partial void LogFailSafe(Exception exception, string key, TimeSpan age, TimeSpan throttle);

    [LoggerMessage(5, LogLevel.Information, "Serving a stale value for {Key}: its factory took longer than {SoftTimeout} and finishes in the background")]
    private partial void LogSoftTimeout(string key, TimeSpan softTimeout);

    [LoggerMessage(6, LogLevel.Warning, "Background refresh of {Key} failed; the current value stays")]
    private partial void LogRefreshFailed(Exception exception, string key);

    [LoggerMessage(7, LogLevel.Warning, "Not caching {Key}: its value serializes to {Size} bytes, more than the {Limit} allowed")]
    private partial void LogPayloadTooLarge(string key, int size, long limit);

    [LoggerMessage(8, LogLevel.Warning, "Not caching a key of {Length} characters: keys must be 1 to {Limit} characters without control characters")]
    private partial void LogKeyRejected(int length, int limit);

    [LoggerMessage(9, LogLevel.Error, "Cache maintenance failed")]
    private partial void LogMaintenanceFailed(Exception exception);
}

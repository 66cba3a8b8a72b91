namespace HexProperty.Caching;

/// <summary>
/// The cache's time, in microseconds since the Unix epoch: entry creation and invalidation times are compared across
/// nodes, and a double (a Redis sorted-set score) holds microseconds exactly for the next 250 years.
/// </summary>
internal readonly struct CacheClock(TimeProvider time)
{
    public long Now => ToMicroseconds(time.GetUtcNow());

    public static long ToMicroseconds(DateTimeOffset instant) => (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static long Add(long microseconds, TimeSpan duration) =>
        duration >= TimeSpan.FromDays(36500) ? long.MaxValue : microseconds + duration.Ticks / 10;

    public static TimeSpan Between(long from, long to) => TimeSpan.FromTicks(Math.Max(0, to - from) * 10);
}

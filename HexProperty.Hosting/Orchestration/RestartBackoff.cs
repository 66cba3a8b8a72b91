namespace HexProperty.Hosting.Orchestration;

/// <summary>
/// Delays between restarts of a crashing instance: 1 s, doubling to 30 s; an instance that ran for a minute
/// before it failed starts again from 1 s, so one crash after hours of service does not wait long.
/// </summary>
internal sealed class RestartBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan StableAfter = TimeSpan.FromMinutes(1);

    private TimeSpan _next = First;

    public TimeSpan Next(TimeSpan uptime)
    {
        if (uptime >= StableAfter)
        {
            _next = First;
        }

        var delay = _next;
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, Max.Ticks));
        return delay;
    }
}

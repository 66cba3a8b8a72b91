using System.Diagnostics;

namespace HexProperty.Testing;

/// <summary>Waits for a condition that becomes true asynchronously (a restart, an export, a telemetry flush), polling it,
/// and fails after a timeout with a description of what was there at the end.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static Task TrueAsync(Func<bool> condition, string failure, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), () => failure, timeout);

    public static Task TrueAsync(Func<bool> condition, Func<string> failure, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), failure, timeout);

    public static Task TrueAsync(Func<Task<bool>> condition, string failure, TimeSpan? timeout = null) => TrueAsync(condition, () => failure, timeout);

    public static async Task TrueAsync(Func<Task<bool>> condition, Func<string> failure, TimeSpan? timeout = null)
    {
        await ValueAsync(async () => await condition() ? "" : null, failure, timeout);
    }

    /// <summary>Polls <paramref name="read"/> until it gives a value; an exception counts as "not yet" until the timeout, then it is reported.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> read, Func<string> failure, TimeSpan? timeout = null)
        where T : class
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await read() is { } value)
                {
                    return value;
                }
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                last = e;
            }

            if (clock.Elapsed > limit)
            {
                throw new Xunit.Sdk.XunitException($"{failure()} (waited {limit.TotalSeconds:0} s){(last is null ? "" : $"; last error: {last.Message}")}");
            }

            await Task.Delay(50);
        }
    }
}

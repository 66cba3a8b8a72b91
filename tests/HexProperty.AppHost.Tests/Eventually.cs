using System.Diagnostics;

namespace HexProperty.AppHost.Tests;

/// <summary>Waits for what the services report asynchronously (telemetry exports every second), failing after a timeout.</summary>
internal static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, string failure, TimeSpan timeout) => TrueAsync(condition, () => failure, timeout);

    /// <summary><paramref name="failure"/> is built when the wait fails, so it describes what was there at the end.</summary>
    public static async Task TrueAsync(Func<bool> condition, Func<string> failure, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, failure());
            await Task.Delay(200);
        }
    }
}

using System.Globalization;

namespace HexProperty.Dashboard.Components.Shared;

/// <summary>How times and durations read on every page: the developer's local clock, milliseconds where they matter.</summary>
public static class Time
{
    public static string Clock(DateTimeOffset time) => time.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan duration) => duration.TotalMilliseconds switch
    {
        < 1 => (duration.TotalMilliseconds * 1000).ToString("0", CultureInfo.InvariantCulture) + " µs",
        < 1000 => duration.TotalMilliseconds.ToString("0.##", CultureInfo.InvariantCulture) + " ms",
        < 60_000 => duration.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture) + " s",
        _ => duration.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture),
    };

    public static string Ago(DateTimeOffset? time) => time is { } at ? Duration(DateTimeOffset.UtcNow - at) + " ago" : "";
}

namespace HexProperty.Testing;

/// <summary>HAProxy's own view of its servers, read from its stats page as CSV.</summary>
public static class HaproxyStats
{
    /// <summary>Each server of <paramref name="proxy"/> and its state: UP, DOWN, "UP 1/2", MAINT...</summary>
    public static async Task<Dictionary<string, string>> ServerStatesAsync(Uri stats, string proxy)
    {
        using var client = new HttpClient();
        var lines = (await client.GetStringAsync(new Uri(stats, "/;csv"))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].TrimStart('#', ' ').Split(',');
        var (name, server, status) = (Array.IndexOf(header, "pxname"), Array.IndexOf(header, "svname"), Array.IndexOf(header, "status"));
        return lines.Skip(1).Select(l => l.Split(','))
            .Where(f => f[name] == proxy && f[server] is not ("FRONTEND" or "BACKEND"))
            .ToDictionary(f => f[server], f => f[status]);
    }
}

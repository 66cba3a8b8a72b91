using System.Globalization;
using System.Text;
using HexProperty.Hosting.Orchestration;

namespace HexProperty.AppHost.Tests;

/// <summary>
/// The processes below an AppHost, read from /proc and named by PID and kernel start time, so a test can prove that
/// every one of them is gone after a stop, independently of the orchestrator's own bookkeeping. (Environment markers
/// alone would not do: Redis and PostgreSQL overwrite their environment block with their process titles.)
/// </summary>
internal static class ProcessTree
{
    public sealed record Member(int Pid, long StartTime, string Command)
    {
        public override string ToString() => $"{Pid} {Command}";
    }

    /// <summary>Every live process whose parent chain leads to <paramref name="root"/>.</summary>
    public static IReadOnlyList<Member> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Stat(pid) is { } stat && stat.State != 'Z')
            {
                parents[pid] = stat.Parent;
            }
        }

        var found = new List<Member>();
        foreach (var pid in parents.Keys)
        {
            for (var ancestor = parents[pid]; ancestor > 1 && parents.ContainsKey(ancestor); ancestor = parents[ancestor])
            {
                if (ancestor == root)
                {
                    found.Add(new Member(pid, Posix.StartTime(pid) ?? 0, Command(pid)));
                    break;
                }
            }
        }

        return found;
    }

    /// <summary>Waits until none of the processes runs any more; returns those still running when time is up.</summary>
    public static async Task<IReadOnlyList<Member>> WaitUntilGoneAsync(IReadOnlyList<Member> members, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var running = members.Where(m => Posix.StartTime(m.Pid) == m.StartTime && Stat(m.Pid)?.State != 'Z').ToList();
            if (running.Count == 0 || DateTime.UtcNow > deadline)
            {
                return running;
            }

            await Task.Delay(100);
        }
    }

    public static Dictionary<string, string> Environment(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ", Encoding.UTF8)
                .Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Select(entry => entry.Split('=', 2))
                .Where(pair => pair.Length == 2)
                .GroupBy(pair => pair[0])
                .ToDictionary(g => g.Key, g => g.First()[1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static (char State, int Parent)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static string Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "?";
        }
    }
}

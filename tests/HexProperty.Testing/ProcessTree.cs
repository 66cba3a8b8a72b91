using System.Globalization;

namespace HexProperty.Testing;

/// <summary>
/// The processes of an AppHost, read from /proc and named by PID and kernel start time, so a test can prove that every
/// one of them is gone after a stop, independently of the orchestrator's own bookkeeping. DCP detaches from the
/// AppHost (its parent is init) and names the AppHost in its <c>--monitor</c> argument; the servers and services run
/// below DCP.
/// </summary>
public static class ProcessTree
{
    public sealed record Member(int Pid, long StartTime, string Command)
    {
        public override string ToString() => $"{Pid} {Command}";
    }

    /// <summary>The AppHost's own children and DCP's whole tree: every process the AppHost's run started.</summary>
    public static IReadOnlyList<Member> OfAppHost(int appHost)
    {
        var dcp = LiveProcesses().Where(pid => Command(pid) is var command && command.Contains("/dcp start-apiserver", StringComparison.Ordinal)
            && command.Contains($"--monitor {appHost} ", StringComparison.Ordinal)).ToList();
        return [.. Descendants(appHost), .. dcp.Select(pid => new Member(pid, StartTime(pid) ?? 0, Command(pid))), .. dcp.SelectMany(Descendants)];
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
                    found.Add(new Member(pid, StartTime(pid) ?? 0, Command(pid)));
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
            var running = members.Where(m => StartTime(m.Pid) == m.StartTime && Stat(m.Pid)?.State != 'Z').ToList();
            if (running.Count == 0 || DateTime.UtcNow > deadline)
            {
                return running;
            }

            await Task.Delay(100);
        }
    }

    private static IEnumerable<int> LiveProcesses() =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0 && Stat(pid) is { State: not 'Z' });

    /// <summary>The start time in clock ticks since boot (field 22 of /proc/pid/stat): with the PID it names one process for good.</summary>
    private static long? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
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

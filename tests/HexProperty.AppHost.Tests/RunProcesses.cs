using System.Globalization;
using System.Text;

namespace HexProperty.AppHost.Tests;

/// <summary>
/// Finds every live process an AppHost run started, its children included (PostgreSQL backends, Erlang helpers),
/// by the run marker the orchestrator puts in each child's environment. Independent of the orchestrator's own
/// bookkeeping, so a test can prove nothing is left.
/// </summary>
internal static class RunProcesses
{
    public const string MarkerVariable = "HEXPROPERTY_APPHOST_RUN";

    public static IReadOnlyList<(int Pid, string Command)> Find(string runId)
    {
        var found = new List<(int, string)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == System.Environment.ProcessId)
            {
                continue;
            }

            var environment = Environment(pid);
            if (environment.TryGetValue(MarkerVariable, out var marker) && marker == runId && !IsZombie(pid))
            {
                found.Add((pid, Command(pid)));
            }
        }

        return found;
    }

    /// <summary>Waits until the run has no live process; returns what is still alive if the time runs out.</summary>
    public static async Task<IReadOnlyList<(int Pid, string Command)>> WaitUntilNoneAsync(string runId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = Find(runId);
            if (left.Count == 0 || DateTime.UtcNow > deadline)
            {
                return left;
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

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
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

using System.Text.Json;

namespace HexProperty.Hosting.Orchestration;

/// <summary>
/// The children this AppHost has running, written to disk as they start and stop. Children die with the AppHost
/// (parent-death signal), so after a crash the list should name no live process; if one survived anyway, the
/// next AppHost on the folder stops it before starting servers on the same data.
/// </summary>
internal sealed class ProcessRegistry(string path)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, Entry> _running = [];

    public sealed record Entry(int Pid, long StartTime, string Name);

    public void Add(ChildProcess child, string instanceName)
    {
        lock (_gate)
        {
            _running[child.Pid] = new Entry(child.Pid, child.StartTime, $"{instanceName}/{child.Spec.Name}");
            Save();
        }
    }

    public void Remove(ChildProcess child)
    {
        lock (_gate)
        {
            _running.Remove(child.Pid);
            Save();
        }
    }

    public IReadOnlyList<Entry> Snapshot()
    {
        lock (_gate)
        {
            return [.. _running.Values];
        }
    }

    /// <summary>Kills processes a previous AppHost on this folder left running; returns what it stopped.</summary>
    public IReadOnlyList<Entry> StopLeftovers()
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var stopped = new List<Entry>();
        var previous = JsonSerializer.Deserialize<List<Entry>>(File.ReadAllText(path)) ?? [];
        foreach (var entry in previous)
        {
            // Same PID and same kernel start time: still the process we started, not a recycled PID.
            if (entry.StartTime != 0 && Posix.StartTime(entry.Pid) == entry.StartTime)
            {
                Posix.KillGroup(entry.Pid);
                Posix.Signal(entry.Pid, Posix.SigKill);
                stopped.Add(entry);
            }
        }

        File.Delete(path);
        return stopped;
    }

    private void Save() => File.WriteAllText(path, JsonSerializer.Serialize(_running.Values.ToList()));
}

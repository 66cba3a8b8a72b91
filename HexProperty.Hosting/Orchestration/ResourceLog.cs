using System.Globalization;

namespace HexProperty.Hosting.Orchestration;

/// <summary>
/// Everything one resource instance prints: appended to its own log file, kept in memory (the most recent lines,
/// for crash reports and the dashboard) and, when asked, echoed to the console behind the instance's name.
/// </summary>
internal sealed class ResourceLog : IDisposable
{
    private const long RotateAtBytes = 16 * 1024 * 1024;
    /// <summary>As many lines as the Aspire dashboard keeps per resource by default (MaxConsoleLogCount).</summary>
    private const int RecentCapacity = 10_000;

    private readonly Lock _gate = new();
    private readonly Queue<string> _recent = new();
    private readonly StreamWriter _file;
    private readonly string? _consolePrefix;
    private bool _disposed;

    public ResourceLog(string instanceName, string path, bool echoToConsole, int nameWidth)
    {
        InstanceName = instanceName;
        FilePath = path;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path) && new FileInfo(path).Length > RotateAtBytes)
        {
            File.Move(path, path + ".1", overwrite: true);
        }

        _file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        _consolePrefix = echoToConsole ? instanceName.PadRight(nameWidth) + " | " : null;
    }

    public string InstanceName { get; }

    public string FilePath { get; }

    /// <summary>Raised for every line, after it is stored.</summary>
    public event Action<string>? LineWritten;

    public void Write(string line)
    {
        var stamped = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) + " " + line;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _file.WriteLine(stamped);
            _recent.Enqueue(line);
            if (_recent.Count > RecentCapacity)
            {
                _recent.Dequeue();
            }
        }

        if (_consolePrefix is not null)
        {
            Console.Out.WriteLine(_consolePrefix + line);
        }

        LineWritten?.Invoke(line);
    }

    /// <summary>A line the AppHost itself writes about the instance, marked so it stands out from the child's own output.</summary>
    public void WriteAppHostLine(string line) => Write("[apphost] " + line);

    public IReadOnlyList<string> Recent(int count)
    {
        lock (_gate)
        {
            return _recent.Skip(Math.Max(0, _recent.Count - count)).ToArray();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _file.Dispose();
        }
    }
}

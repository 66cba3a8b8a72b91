using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using HexProperty.Hosting.Orchestration;

namespace HexProperty.AppHost.Tests;

/// <summary>
/// The AppHost started as its own process from its build output, as a developer starts it, for what only a real
/// process shows: signals, a second instance, exit codes, console output. Started through the orchestrator's own
/// child-process launcher, so it dies with the test host; a test that fails kills it by PID on dispose.
/// </summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    private readonly List<string> _lines;
    private readonly ChildProcess _process;

    private AppHostProcess(ChildProcess process, string dataPath, List<string> lines)
    {
        _process = process;
        DataPath = dataPath;
        _lines = lines;
    }

    public string DataPath { get; }

    public int Pid => _process.Pid;

    public Task<int> Exited => _process.Exited;

    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>The repository the AppHost was built from; test data folders live in its ignored .hexdata/.</summary>
    public static string RepositoryDirectory { get; } = Directory.GetParent(AppHostMetadata("ProjectDirectory"))!.FullName;

    /// <summary>The AppHost's own build output, which a developer's <c>dotnet run</c> also starts.</summary>
    public static string AssemblyPath { get; } = AppHostMetadata("AssemblyPath");

    private static string AppHostMetadata(string name) =>
        typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == $"HexProperty.AppHost.{name}").Value!;

    public static async Task<AppHostProcess> StartAsync(string dataPath, params string[] arguments)
    {
        var lines = new List<string>();
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "/usr/bin/dotnet";
        // A shell starts a background job with SIGINT ignored, and children inherit that (CI runs in the background):
        // env restores the default, so the AppHost gets Ctrl+C as from a terminal's foreground.
        var spec = new ProcessSpec("apphost", "/usr/bin/env", ["--default-signal=INT", dotnet, AssemblyPath, "--data-path", dataPath, .. arguments])
        {
            WorkingDirectory = RepositoryDirectory,
        };
        var process = await ChildProcess.StartAsync(spec, line => { lock (lines) { lines.Add(line); } });
        return new AppHostProcess(process, dataPath, lines);
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (Exited.IsCompleted)
            {
                throw new Xunit.Sdk.XunitException($"The AppHost exited ({await Exited}) before printing '{text}':\n{Output}");
            }

            if (clock.Elapsed > timeout)
            {
                throw new Xunit.Sdk.XunitException($"The AppHost did not print '{text}' within {timeout.TotalSeconds} s:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    public Task WaitUntilHealthyAsync() => WaitForOutputAsync("resources are healthy", TimeSpan.FromMinutes(3));

    public void Signal(int signal) => Posix.Signal(Pid, signal);

    /// <summary>The AppHost's exit code once it exits; on a timeout, fails with the end of what it printed.</summary>
    public async Task<int> WaitExitedAsync(TimeSpan timeout)
    {
        try
        {
            return await Exited.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            var tail = Output.Split('\n').TakeLast(60);
            throw new Xunit.Sdk.XunitException($"The AppHost had not exited {timeout.TotalSeconds} s after the signal; its last lines:\n{string.Join('\n', tail)}");
        }
    }

    /// <summary>Every process the AppHost runs now, its servers' own children included.</summary>
    public IReadOnlyList<ProcessTree.Member> Children() => ProcessTree.Descendants(Pid);

    /// <summary>The environment the AppHost gave one of its projects, read from the running process.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentOf(string instanceName)
    {
        var entries = JsonSerializer.Deserialize<List<ProcessRegistry.Entry>>(File.ReadAllText(Path.Combine(DataPath, "processes.json")))!;
        return ProcessTree.Environment(entries.Single(e => e.Name == $"{instanceName}/{instanceName}").Pid);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Exited.IsCompleted)
        {
            _process.Kill();
            await Exited;
        }
    }
}

/// <summary>A data folder of its own for one test's AppHost processes, deleted afterwards (unless HEXPROPERTY_KEEP_TEST_DATA=1).</summary>
internal sealed class AppHostDataFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(AppHostProcess.RepositoryDirectory, ".hexdata", "tests", $"process-{Guid.NewGuid():N}"[..20]);

    public void Dispose()
    {
        if (Directory.Exists(Path) && Environment.GetEnvironmentVariable("HEXPROPERTY_KEEP_TEST_DATA") != "1")
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

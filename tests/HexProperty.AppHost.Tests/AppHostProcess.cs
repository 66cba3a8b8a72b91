using System.Diagnostics;
using System.Reflection;
using HexProperty.Hosting;
using HexProperty.Testing;

namespace HexProperty.AppHost.Tests;

/// <summary>
/// The AppHost started as its own process, for what only a real process shows: signals, a second instance, exit codes,
/// console output. Either as a developer types it (<c>dotnet run --project HexProperty.AppHost</c>, in a session of its
/// own, so Ctrl+C can be sent to its process group as a terminal does) or from its build output on random ports. A test
/// that fails kills it, and everything DCP started for it, on dispose.
/// </summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    private readonly List<string> _lines = [];
    private readonly Process _process;

    private AppHostProcess(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = TestDataFolder.RepositoryDirectory;
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

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

    public static string ProjectDirectory => Projects.HexProperty_AppHost.ProjectPath;

    /// <summary>The AppHost's own build output, in the configuration the tests were built in.</summary>
    private static string AssemblyPath => Path.Combine(ProjectDirectory, "bin",
        typeof(AppHostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration, "net10.0", "HexProperty.AppHost.dll");

    /// <summary>The quick start: <c>dotnet run --project HexProperty.AppHost</c> with its launch profile (already built).</summary>
    public static AppHostProcess StartQuickStart(string dataPath)
    {
        // A background job starts with SIGINT ignored and children inherit it (CI runs in the background): env gives the
        // default back, so the AppHost takes Ctrl+C as it would from a terminal.
        var start = new ProcessStartInfo("/usr/bin/setsid",
            ["/usr/bin/env", "--default-signal=INT", "dotnet", "run", "--project", ProjectDirectory, "--no-build", "--", $"--{LocalServers.DataPathKey}={dataPath}"]);
        return new AppHostProcess(start);
    }

    /// <summary>The AppHost's build output with the launch profile's settings, but every port chosen at random.</summary>
    public static AppHostProcess Start(string dataPath, params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/env", ["--default-signal=INT", "dotnet", AssemblyPath, $"--{LocalServers.DataPathKey}={dataPath}", .. arguments])
        {
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["DOTNET_ENVIRONMENT"] = "Development",
                ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://127.0.0.1:0",
                ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = "http://127.0.0.1:0",
                ["DcpPublisher__RandomizePorts"] = "true",
            },
        };
        return new AppHostProcess(start);
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }

    public Task WaitUntilHealthyAsync() => WaitForOutputAsync("resources are healthy", TimeSpan.FromMinutes(3));

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        await Eventually.TrueAsync(() =>
        {
            if (_process.HasExited && !Output.Contains(text, StringComparison.Ordinal))
            {
                throw new Xunit.Sdk.XunitException($"The AppHost exited ({_process.ExitCode}) before printing '{text}':\n{Output}");
            }

            return Output.Contains(text, StringComparison.Ordinal);
        }, () => $"The AppHost did not print '{text}':\n{Output}", timeout);
    }

    public void Signal(int signal) => Posix.Kill(Pid, signal);

    /// <summary>What Ctrl+C in a terminal does: the signal to every process of the foreground process group.</summary>
    public void SignalGroup(int signal) => Posix.Kill(-Pid, signal);

    /// <summary>The exit code; on a timeout, fails with the end of what it printed.</summary>
    public async Task<int> WaitExitedAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            _process.WaitForExit(); // and the output read to its end
            return _process.ExitCode;
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"The AppHost had not exited {timeout.TotalSeconds} s after the signal; its last lines:\n{string.Join('\n', Output.Split('\n').TakeLast(60))}");
        }
    }

    /// <summary>Every process this AppHost runs now: its own children and DCP's tree.</summary>
    public IReadOnlyList<ProcessTree.Member> Processes() => ProcessTree.OfAppHost(AppHostPid());

    /// <summary>The AppHost itself: this process, or under <c>dotnet run</c> its child.</summary>
    private int AppHostPid() =>
        ProcessTree.Descendants(Pid).FirstOrDefault(p => p.Command.Contains("HexProperty.AppHost", StringComparison.Ordinal) && !p.Command.Contains(" run ", StringComparison.Ordinal))?.Pid ?? Pid;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            var left = Processes();
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            foreach (var member in left)
            {
                Posix.Kill(member.Pid, Posix.SigKill);
            }
        }

        _process.Dispose();
    }
}

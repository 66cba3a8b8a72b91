using System.Diagnostics;
using System.Text;

namespace HexProperty.Hosting.Orchestration;

/// <summary>
/// A running child process of the AppHost: started in its own session (so a Ctrl+C in the terminal reaches only
/// the AppHost, which then stops children in dependency order) and bound to die with the AppHost.
/// </summary>
internal sealed class ChildProcess
{
    private const string SetSid = "/usr/bin/setsid";
    private const string SetPriv = "/usr/bin/setpriv";
    private static readonly TimeSpan SessionWait = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _exitHandled;

    private ChildProcess(ProcessSpec spec, Process process)
    {
        Spec = spec;
        _process = process;
        Pid = process.Id;
        StartTime = Posix.StartTime(Pid) ?? 0;
        StartedAt = DateTimeOffset.UtcNow;
    }

    public ProcessSpec Spec { get; }

    public int Pid { get; }

    /// <summary>Kernel start time of the process; with <see cref="Pid"/> it identifies the process for good.</summary>
    public long StartTime { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Completes with the exit code when the process ends (128 + n when signal n ended it).</summary>
    public Task<int> Exited => _exited.Task;

    public static async Task<ChildProcess> StartAsync(ProcessSpec spec, Action<string> onOutput)
    {
        var info = new ProcessStartInfo(SetSid)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in WrapperArguments(spec))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }

        var process = await ProcessSpawner.StartAsync(info);
        var child = new ChildProcess(spec, process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { onOutput(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { onOutput(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();

        // Only now may the exit handler run: it disposes the Process, which must not happen while the pumps are
        // being set up. An exit that came earlier raised the event with no handler attached, so check for it.
        process.Exited += (_, _) => child.OnExited();
        if (process.HasExited)
        {
            child.OnExited();
        }

        await child.WaitForOwnSessionAsync();
        return child;
    }

    /// <summary>
    /// Process.Start returns once setsid has been exec'd, a moment before it calls setsid(2). Until then the child
    /// is in our session and process group: a Ctrl+C would reach it and a group kill would miss it. Waiting the
    /// few microseconds closes that window for every caller.
    /// </summary>
    private async Task WaitForOwnSessionAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (!Exited.IsCompleted && Posix.SessionId(Pid) is { } session && session != Pid && deadline.Elapsed < SessionWait)
        {
            await Task.Delay(1);
        }
    }

    /// <summary>Runs a setup command (initdb, chown) to completion; a non-zero exit throws with its last output.</summary>
    public static async Task RunToCompletionAsync(ProcessSpec spec, Action<string> onOutput, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tail = new Queue<string>();
        var child = await StartAsync(spec, line =>
        {
            onOutput(line);
            lock (tail)
            {
                tail.Enqueue(line);
                if (tail.Count > 20)
                {
                    tail.Dequeue();
                }
            }
        });
        int exitCode;
        try
        {
            exitCode = await child.Exited.WaitAsync(timeout, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            child.Kill();
            throw;
        }

        if (exitCode != 0)
        {
            string output;
            lock (tail)
            {
                output = string.Join(Environment.NewLine, tail);
            }

            throw new DistributedApplicationException(
                $"'{spec.FileName} {string.Join(' ', spec.Arguments)}' {DescribeExit(exitCode)}:{Environment.NewLine}{output}");
        }
    }

    /// <summary>
    /// setsid gives the child its own session and process group; setpriv asks the kernel to SIGKILL it when the
    /// AppHost dies and, for a server that refuses root, drops to its user. Both exec in place, so the PID we
    /// hold is the server's own.
    /// </summary>
    internal static IEnumerable<string> WrapperArguments(ProcessSpec spec)
    {
        yield return SetPriv;
        yield return "--pdeathsig";
        yield return "KILL";
        if (spec.RunAsUser is { } user && Posix.IsRoot)
        {
            yield return "--reuid";
            yield return user;
            yield return "--regid";
            yield return user;
            yield return "--init-groups";
        }

        yield return "--";
        yield return spec.FileName;
        foreach (var argument in spec.Arguments)
        {
            yield return argument;
        }
    }

    /// <summary>Asks the process to stop, waits up to <paramref name="timeout"/>, then kills its whole group.</summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        var graceful = true;
        if (!Exited.IsCompleted)
        {
            Posix.Signal(Pid, Spec.StopSignal);
            try
            {
                await Exited.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                graceful = false;
                Posix.KillGroup(Pid);
                Posix.Signal(Pid, Posix.SigKill);
                await Exited;
            }
        }

        // Helpers the process left behind in its group (Erlang's port programs, for example) go with it.
        Posix.KillGroup(Pid);
        return graceful;
    }

    public void Kill()
    {
        Posix.KillGroup(Pid);
        Posix.Signal(Pid, Posix.SigKill);
    }

    private void OnExited()
    {
        // Raised by the Exited event and by the check right after start; only the first call may read and dispose.
        if (Interlocked.Exchange(ref _exitHandled, 1) == 1)
        {
            return;
        }

        // Wait for the output pumps to drain so the last lines (often the reason for a crash) are logged.
        _process.WaitForExit();
        _exited.TrySetResult(_process.ExitCode);
        _process.Dispose();
    }

    public static string DescribeExit(int exitCode) => exitCode switch
    {
        0 => "exited normally (code 0)",
        > 128 and < 160 => $"was killed by signal {exitCode - 128} ({SignalName(exitCode - 128)})",
        _ => $"exited with code {exitCode}",
    };

    private static string SignalName(int signal) => signal switch
    {
        Posix.SigInt => "SIGINT",
        Posix.SigKill => "SIGKILL",
        Posix.SigTerm => "SIGTERM",
        6 => "SIGABRT",
        11 => "SIGSEGV",
        _ => $"signal {signal}",
    };
}

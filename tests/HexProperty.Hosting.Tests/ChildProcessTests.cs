using System.Diagnostics;
using System.Globalization;
using HexProperty.Hosting.Orchestration;

namespace HexProperty.Hosting.Tests;

public sealed class ChildProcessTests
{
    private static ProcessSpec Shell(string script) => new("sh", "/bin/sh", ["-c", script]);

    [Fact]
    public async Task Output_is_captured_line_by_line_including_the_last_lines_before_exit()
    {
        var lines = new List<string>();
        var child = await ChildProcess.StartAsync(Shell("echo first; echo second >&2; exit 3"), line => { lock (lines) { lines.Add(line); } });

        var code = await child.Exited.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, code);
        Assert.Equal(["first", "second"], lines.Order());
        Assert.Equal("exited with code 3", ChildProcess.DescribeExit(code));
    }

    [Fact]
    public async Task A_command_that_exits_at_once_is_reported_every_time()
    {
        // Regression: a process that ended before its output pumps started made start-up throw now and then
        // (seen under load); several at once make that window likely.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                await ChildProcess.RunToCompletionAsync(new ProcessSpec("true", "/bin/true", []), _ => { }, TimeSpan.FromSeconds(10), CancellationToken.None);
            }
        })));
    }

    [Fact]
    public async Task A_child_runs_in_its_own_session_so_a_terminal_Ctrl_C_reaches_only_the_AppHost()
    {
        var child = await ChildProcess.StartAsync(Shell("sleep 30"), _ => { });
        try
        {
            var stat = File.ReadAllText($"/proc/{child.Pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var session = int.Parse(fields[3], CultureInfo.InvariantCulture);

            Assert.Equal(child.Pid, session);
        }
        finally
        {
            child.Kill();
        }
    }

    [Fact]
    public async Task Stop_asks_gracefully_first()
    {
        var child = await ChildProcess.StartAsync(Shell("trap 'echo stopping; exit 0' TERM; while true; do sleep 0.1; done"), _ => { });
        await Task.Delay(300);

        var graceful = await child.StopAsync(TimeSpan.FromSeconds(5));

        Assert.True(graceful);
        Assert.Equal(0, await child.Exited);
    }

    [Fact]
    public async Task A_child_that_ignores_the_stop_signal_is_killed_after_the_timeout()
    {
        var child = await ChildProcess.StartAsync(Shell("trap '' TERM; while true; do sleep 0.1; done"), _ => { });
        await Task.Delay(300);

        var clock = Stopwatch.StartNew();
        var graceful = await child.StopAsync(TimeSpan.FromMilliseconds(500));

        Assert.False(graceful);
        Assert.Equal(128 + Posix.SigKill, await child.Exited);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(10));
        Assert.Contains("SIGKILL", ChildProcess.DescribeExit(await child.Exited), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Helpers_left_in_the_process_group_go_with_it()
    {
        var output = new TaskCompletionSource<string>();
        var child = await ChildProcess.StartAsync(Shell("sleep 60 & echo $!; wait"), line => output.TrySetResult(line));
        var helper = int.Parse(await output.Task.WaitAsync(TimeSpan.FromSeconds(10)), CultureInfo.InvariantCulture);
        Assert.True(Posix.IsAlive(helper));

        await child.StopAsync(TimeSpan.FromSeconds(5));

        await WaitUntilAsync(() => !Posix.IsAlive(helper) || IsZombie(helper));
    }

    [Fact]
    public void The_wrapper_drops_to_the_service_user_only_when_running_as_root()
    {
        var arguments = ChildProcess.WrapperArguments(new ProcessSpec("postgres", "/usr/lib/postgresql/15/bin/postgres", ["-D", "/data"]) { RunAsUser = "postgres" }).ToList();

        Assert.Equal(["/usr/bin/setpriv", "--pdeathsig", "KILL"], arguments[..3]);
        Assert.Equal(Posix.IsRoot, arguments.Contains("--reuid"));
        Assert.Equal(["--", "/usr/lib/postgresql/15/bin/postgres", "-D", "/data"], arguments[^4..]);
    }

    internal static bool IsZombie(int pid)
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

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "condition not met within 10 s");
            await Task.Delay(50);
        }
    }
}

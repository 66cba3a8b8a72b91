using System.Diagnostics;
using HexProperty.Testing;

namespace HexProperty.Hosting.Tests;

/// <summary>supervise.sh on its own, with a small shell program standing in for a server.</summary>
public sealed class SupervisorTests : IDisposable
{
    private readonly TestDataFolder _folder = new("supervisor");
    private readonly List<Process> _started = [];

    private string PidFile => Path.Combine(_folder.Path, "server.pid");

    /// <summary>A "server" that records each start and the signal that stopped it.</summary>
    private string Server => $"trap 'echo $1 > {_folder.Path}/stopped-by; exit 0' INT TERM; echo started >> {_folder.Path}/starts; while :; do sleep 0.1; done";

    [Fact]
    public async Task A_stop_reaches_the_server_as_its_own_stop_signal_and_the_supervisor_exits_cleanly()
    {
        var supervisor = Start("--stop-signal", "INT", "--pid-file", PidFile, "--", "/bin/bash", "-c", Server.Replace("$1", "INT", StringComparison.Ordinal));
        var server = await ServerPidAsync();
        await Eventually.TrueAsync(() => Starts() == 1, "the server did not start"); // its trap is set

        Posix.Kill(supervisor.Id, Posix.SigTerm);
        await supervisor.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, supervisor.ExitCode);
        Assert.Equal("INT", File.ReadAllText(Path.Combine(_folder.Path, "stopped-by")).Trim());
        Assert.False(Posix.IsAlive(server));
        Assert.False(File.Exists(PidFile));
    }

    [Fact]
    public async Task A_server_that_dies_is_started_again_and_one_that_keeps_dying_waits_longer_each_time()
    {
        var supervisor = Start("--pid-file", PidFile, "--", "/bin/bash", "-c", $"echo started >> {_folder.Path}/starts; exit 3");
        await Eventually.TrueAsync(() => Starts() >= 3, () => $"{Starts()} starts", TimeSpan.FromSeconds(15));
        var output = supervisor.StandardError.ReadLine();

        Assert.Matches(@"^supervise: bash exited with status 3 after \d+ s; starting it again in 1 s$", output);
        Assert.Matches(@"^supervise: bash exited with status 3 after \d+ s; starting it again in 2 s$", supervisor.StandardError.ReadLine());
        Posix.Kill(supervisor.Id, Posix.SigTerm);
        await supervisor.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)); // a stop during the back-off is prompt too
    }

    [Fact]
    public async Task A_SIGKILLed_supervisor_takes_its_server_with_it()
    {
        var supervisor = Start("--pid-file", PidFile, "--", "/bin/bash", "-c", Server);
        var server = await ServerPidAsync();
        // Running, not only forked: the parent-death signal is set between the two, just before the server's program runs.
        await Eventually.TrueAsync(() => Starts() == 1, "the server did not start");

        Posix.Kill(supervisor.Id, Posix.SigKill);

        await Eventually.TrueAsync(() => !Posix.IsAlive(server), $"server {server} outlived its supervisor", TimeSpan.FromSeconds(5));
    }

    private int Starts() => File.Exists(Path.Combine(_folder.Path, "starts")) ? File.ReadAllLines(Path.Combine(_folder.Path, "starts")).Length : 0;

    private async Task<int> ServerPidAsync()
    {
        await Eventually.TrueAsync(() => File.Exists(PidFile) && File.ReadAllText(PidFile).Trim().Length > 0, "no server.pid", TimeSpan.FromSeconds(10));
        return int.Parse(File.ReadAllText(PidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private Process Start(params string[] arguments)
    {
        var process = Process.Start(new ProcessStartInfo("/bin/bash", [LocalServers.SupervisorPath, .. arguments]) { RedirectStandardError = true })!;
        _started.Add(process);
        return process;
    }

    public void Dispose()
    {
        foreach (var process in _started)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        _folder.Dispose();
    }
}

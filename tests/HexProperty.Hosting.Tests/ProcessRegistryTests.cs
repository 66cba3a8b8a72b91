using System.Text.Json;
using HexProperty.Hosting.Orchestration;

namespace HexProperty.Hosting.Tests;

public sealed class ProcessRegistryTests
{
    [Fact]
    public async Task Processes_a_previous_AppHost_left_running_are_stopped_but_a_recycled_pid_is_spared()
    {
        using var temporary = new TemporaryFolder();
        var path = Path.Combine(temporary.Path, "processes.json");
        var leftover = await ChildProcess.StartAsync(new ProcessSpec("sleep", "/bin/sleep", ["60"]), _ => { });
        var bystander = await ChildProcess.StartAsync(new ProcessSpec("sleep", "/bin/sleep", ["60"]), _ => { });
        try
        {
            var previous = new ProcessRegistry(path);
            previous.Add(leftover, "cache");
            // The same PID with another start time is some other program now; it must survive.
            File.WriteAllText(path, JsonSerializer.Serialize(new[]
            {
                new ProcessRegistry.Entry(leftover.Pid, leftover.StartTime, "cache/redis-server"),
                new ProcessRegistry.Entry(bystander.Pid, bystander.StartTime + 1, "api/api"),
            }));

            var stopped = new ProcessRegistry(path).StopLeftovers();

            Assert.Equal([leftover.Pid], stopped.Select(e => e.Pid));
            Assert.Equal(128 + Posix.SigKill, await leftover.Exited.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.False(bystander.Exited.IsCompleted);
            Assert.False(File.Exists(path));
        }
        finally
        {
            bystander.Kill();
            leftover.Kill();
        }
    }
}

using HexProperty.Hosting.Orchestration;
using HexProperty.Hosting.Projects;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;

namespace HexProperty.Hosting.Tests;

public sealed class InstanceRunnerTests
{
    /// <summary>A resource whose preparation fails a given number of times, running a given shell script.</summary>
    private sealed class ScriptedDriver(string script, int failingPreparations = 0) : IResourceDriver
    {
        public int Preparations { get; private set; }

        public Task PrepareAsync(CancellationToken cancellationToken)
        {
            Preparations++;
            return Preparations <= failingPreparations ? Task.FromException(new IOException("disk busy")) : Task.CompletedTask;
        }

        public IReadOnlyList<ProcessSpec> CreateProcesses(int replica) => [new("worker", "/bin/sh", ["-c", script])];

        public Task<HealthCheckResult> CheckHealthAsync(int replica, CancellationToken cancellationToken) => Task.FromResult(HealthCheckResult.Healthy());
    }

    private static (InstanceRunner Runner, ResourceNotificationService Notifications, ResourceLog Log) Runner(TestApplication app, IResourceDriver driver)
    {
        var resource = new ProjectResource("jobs", new TestApplication.ApiProject());
        var notifications = new ResourceNotificationService();
        notifications.Register("jobs", "Project", ["jobs"]);
        var log = new ResourceLog("jobs", Path.Combine(app.Folder.LogsDirectory, "jobs.log"), echoToConsole: false, nameWidth: 4);
        var runner = new InstanceRunner(
            resource, 0, driver, new PrepareOnce(driver.PrepareAsync), app.Context, notifications, log,
            new ResourceSnapshot("jobs", "jobs", "Project"), NullLogger.Instance);
        return (runner, notifications, log);
    }

    private static Task<IReadOnlyList<ResourceSnapshot>> WaitAsync(ResourceNotificationService notifications, Func<ResourceSnapshot, bool> condition) =>
        notifications.WaitForResourceAsync("jobs", s => condition(s[0]), new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

    [Fact]
    public async Task A_process_that_exits_is_restarted_and_the_reason_is_kept()
    {
        using var app = new TestApplication();
        var (runner, notifications, log) = Runner(app, new ScriptedDriver("echo started; sleep 0.3; echo giving up >&2; exit 3"));
        runner.Start();

        var restarted = (await WaitAsync(notifications, s => s.RestartCount >= 1 && s.IsHealthy))[0];
        await runner.StopAsync(TimeSpan.FromSeconds(5));
        log.Dispose();

        Assert.StartsWith("worker (PID ", restarted.LastExitReason, StringComparison.Ordinal);
        Assert.EndsWith("exited with code 3", restarted.LastExitReason, StringComparison.Ordinal);
        var written = await File.ReadAllTextAsync(Path.Combine(app.Folder.LogsDirectory, "jobs.log"));
        Assert.Contains("giving up", written, StringComparison.Ordinal);
        Assert.Contains("[apphost] worker (PID", written, StringComparison.Ordinal);
        Assert.Contains("restarting in 1 s (restart 1)", written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_preparation_is_tried_again()
    {
        using var app = new TestApplication();
        var driver = new ScriptedDriver("sleep 30", failingPreparations: 1);
        var (runner, notifications, log) = Runner(app, driver);
        runner.Start();

        await WaitAsync(notifications, s => s.IsHealthy);
        await runner.StopAsync(TimeSpan.FromSeconds(5));
        log.Dispose();

        Assert.Equal(2, driver.Preparations);
        Assert.Equal(KnownResourceStates.Exited, notifications.GetInstances("jobs")[0].State);
    }

    [Fact]
    public async Task A_preparation_that_keeps_failing_ends_in_FailedToStart_with_its_reason()
    {
        using var app = new TestApplication();
        var driver = new ScriptedDriver("sleep 30", failingPreparations: int.MaxValue);
        var (runner, notifications, log) = Runner(app, driver);
        runner.Start();

        var failed = (await WaitAsync(notifications, s => s.State == KnownResourceStates.FailedToStart))[0];
        await runner.StopAsync(TimeSpan.FromSeconds(5));
        log.Dispose();

        Assert.Equal("disk busy", failed.Description);
        Assert.Equal(4, driver.Preparations);
        Assert.Null(failed.ProcessId);
    }

    [Fact]
    public async Task Stop_during_the_restart_delay_ends_the_instance_without_starting_it_again()
    {
        using var app = new TestApplication();
        var (runner, notifications, log) = Runner(app, new ScriptedDriver("exit 1"));
        runner.Start();

        await WaitAsync(notifications, s => s.State == KnownResourceStates.Restarting);
        await runner.StopAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(1500); // longer than the first restart delay
        log.Dispose();

        var final = notifications.GetInstances("jobs")[0];
        Assert.Equal(KnownResourceStates.Exited, final.State);
        Assert.Equal(1, final.RestartCount);
    }
}

using System.Diagnostics;
using HexProperty.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace HexProperty.Hosting.Orchestration;

/// <summary>
/// Supervises one instance of a resource: waits for its dependencies, starts its processes, checks its health
/// with a real client, restarts it with backoff when a process dies, and stops it on request.
/// </summary>
internal sealed class InstanceRunner
{
    private static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan HealthyInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StartupInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan StartedProbeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SlowStartWarning = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RunLoopExitTimeout = TimeSpan.FromSeconds(5);
    private const int PrepareAttempts = 4;

    private readonly Resource _resource;
    private readonly int _replica;
    private readonly IResourceDriver _driver;
    private readonly PrepareOnce _prepare;
    private readonly RunContext _context;
    private readonly ResourceNotificationService _notifications;
    private readonly ResourceLog _log;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _commands = new(1, 1);
    private CancellationTokenSource _stopping = new();
    private readonly Lock _processesGate = new();
    private readonly List<ChildProcess> _processes = [];
    private readonly Lock _snapshotGate = new();
    private ResourceSnapshot _snapshot;
    private bool _stopRequested;
    private Task _run = Task.CompletedTask;

    public InstanceRunner(
        Resource resource, int replica, IResourceDriver driver, PrepareOnce prepare, RunContext context,
        ResourceNotificationService notifications, ResourceLog log, ResourceSnapshot initial, ILogger logger)
    {
        _resource = resource;
        _replica = replica;
        _driver = driver;
        _prepare = prepare;
        _context = context;
        _notifications = notifications;
        _log = log;
        _snapshot = initial;
        _logger = logger;
    }

    public string InstanceName => _snapshot.InstanceName;

    public void Start() => _run = Task.Run(RunAsync);

    /// <summary>
    /// A developer's stop, start or restart from the dashboard, one at a time per instance. Start runs the instance
    /// again from waiting for its dependencies, as at the AppHost's start; it is refused while the instance runs.
    /// </summary>
    public async Task<(bool Succeeded, string Message)> ExecuteAsync(Dashboard.Resources.ResourceCommand command, TimeSpan stopBudget)
    {
        await _commands.WaitAsync();
        try
        {
            var running = !_run.IsCompleted;
            switch (command)
            {
                case Dashboard.Resources.ResourceCommand.Stop when !running:
                    return (false, $"{InstanceName} is not running.");
                case Dashboard.Resources.ResourceCommand.Start when running:
                    return (false, $"{InstanceName} is already running.");
            }

            if (running)
            {
                _log.WriteAppHostLine($"{command.ToString().ToLowerInvariant()} requested from the dashboard");
                await StopCoreAsync(stopBudget);
            }

            if (command == Dashboard.Resources.ResourceCommand.Stop)
            {
                Publish(s => s with { Description = "stopped from the dashboard" });
                return (true, $"{InstanceName} stopped.");
            }

            lock (_processesGate)
            {
                _stopRequested = false;
            }

            _stopping = new CancellationTokenSource(); // the old one stays cancelled for whatever may still hold its token
            _log.WriteAppHostLine("started again from the dashboard");
            Start();
            return (true, command == Dashboard.Resources.ResourceCommand.Start ? $"{InstanceName} is starting." : $"{InstanceName} is restarting.");
        }
        finally
        {
            _commands.Release();
        }
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            await WaitForDependenciesAsync(stopping);
            Publish(s => s with { State = KnownResourceStates.Starting, Description = null });
            if (!await PrepareAsync(stopping))
            {
                return;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }

        var backoff = new RestartBackoff();
        while (!stopping.IsCancellationRequested)
        {
            ProcessExit exit;
            try
            {
                exit = await RunOnceAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }

            var delay = backoff.Next(exit.Uptime);
            var reason = $"{exit.ProcessName} (PID {exit.Pid}) {exit.Description}";
            var message = $"{reason}; restarting in {delay.TotalSeconds:0} s (restart {_snapshot.RestartCount + 1})";
            _logger.LogWarning("{Instance}: {Message}", InstanceName, message);
            _log.WriteAppHostLine(message);
            foreach (var line in exit.LastOutput)
            {
                _logger.LogWarning("{Instance} last output | {Line}", InstanceName, line);
            }

            Publish(s => s with
            {
                State = KnownResourceStates.Restarting,
                Health = null,
                ProcessId = null,
                ProcessIds = [],
                LastExitReason = reason,
                RestartCount = s.RestartCount + 1,
                Description = $"restarting in {delay.TotalSeconds:0} s",
            });
            try
            {
                await Task.Delay(delay, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Publish(s => s with { State = KnownResourceStates.Starting, Description = null });
        }
    }

    /// <summary>Prepares the resource, retrying with backoff; after the last attempt the instance has failed to start.</summary>
    private async Task<bool> PrepareAsync(CancellationToken stopping)
    {
        var backoff = new RestartBackoff();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _prepare.RunAsync(stopping);
                return true;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                var reason = e is DistributedApplicationException ? e.Message : e.ToString();
                if (attempt == PrepareAttempts)
                {
                    _logger.LogError("{Instance} failed to start after {Attempts} attempts: {Reason}", InstanceName, attempt, reason);
                    _log.WriteAppHostLine($"failed to start: {reason}");
                    Publish(s => s with { State = KnownResourceStates.FailedToStart, Description = e.Message });
                    return false;
                }

                var delay = backoff.Next(TimeSpan.Zero);
                _logger.LogWarning("{Instance} could not be prepared ({Reason}); trying again in {Seconds:0} s", InstanceName, e.Message, delay.TotalSeconds);
                _log.WriteAppHostLine($"could not be prepared, trying again in {delay.TotalSeconds:0} s: {reason}");
                Publish(s => s with { State = KnownResourceStates.Restarting, Description = e.Message });
                await Task.Delay(delay, stopping);
                Publish(s => s with { State = KnownResourceStates.Starting, Description = null });
            }
        }
    }

    private async Task WaitForDependenciesAsync(CancellationToken cancellationToken)
    {
        if (_resource.WaitsFor.Count == 0)
        {
            return;
        }

        var names = string.Join(", ", _resource.WaitsFor.Select(r => r.Name));
        Publish(s => s with { State = KnownResourceStates.Waiting, Description = $"waiting for {names}" });
        await Task.WhenAll(_resource.WaitsFor.Select(r => _notifications.WaitForResourceHealthyAsync(r.Name, cancellationToken)));
    }

    /// <summary>Starts the instance's processes and watches them until one ends; returns why it ended.</summary>
    private async Task<ProcessExit> RunOnceAsync(CancellationToken stopping)
    {
        var started = new List<ChildProcess>();
        var clock = Stopwatch.StartNew();
        try
        {
            foreach (var spec in _driver.CreateProcesses(_replica))
            {
                var child = await StartProcessAsync(spec, stopping);
                started.Add(child);
                if (spec.WaitUntilStarted is { } waitUntilStarted)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    timeout.CancelAfter(StartedProbeTimeout);
                    var probe = waitUntilStarted(timeout.Token);
                    if (await Task.WhenAny(probe, child.Exited) == child.Exited)
                    {
                        return await ExitOfAsync(child, clock.Elapsed);
                    }

                    await probe;
                }
            }

            Publish(s => s with
            {
                State = KnownResourceStates.Running,
                Health = null,
                ProcessId = started.Count > 0 ? started[^1].Pid : null,
                ProcessIds = [.. started.Select(c => c.Pid)],
                StartedAt = DateTimeOffset.UtcNow,
                Description = null,
            });

            return await MonitorAsync(started, clock, stopping);
        }
        finally
        {
            if (!IsStopRequested)
            {
                // One process of the instance ended or startup failed: the rest go too, so it restarts whole.
                for (var i = started.Count - 1; i >= 0; i--)
                {
                    await started[i].StopAsync(TimeSpan.FromSeconds(5));
                    Forget(started[i]);
                }
            }
        }
    }

    private async Task<ChildProcess> StartProcessAsync(ProcessSpec spec, CancellationToken stopping)
    {
        var child = await ChildProcess.StartAsync(spec, _log.Write);
        _context.DataFolder.Processes.Add(child, InstanceName);
        bool stopNow;
        lock (_processesGate)
        {
            stopNow = _stopRequested;
            if (!stopNow)
            {
                _processes.Add(child);
            }
        }

        if (stopNow)
        {
            // StopAsync ran while this process was being started: it never saw it, so stop it here.
            await child.StopAsync(TimeSpan.FromSeconds(5));
            _context.DataFolder.Processes.Remove(child);
            stopping.ThrowIfCancellationRequested();
        }

        _log.WriteAppHostLine($"started {spec.Name}: PID {child.Pid}");
        return child;
    }

    private async Task<ProcessExit> MonitorAsync(List<ChildProcess> started, Stopwatch clock, CancellationToken stopping)
    {
        var anyExit = started.Count > 0 ? Task.WhenAny(started.Select(c => c.Exited)) : Task.Delay(Timeout.Infinite, stopping);
        var everHealthy = false;
        var lastWarning = TimeSpan.Zero;
        while (true)
        {
            var result = await CheckHealthAsync(stopping);
            var healthy = result.Status == HealthStatus.Healthy;
            if (healthy && !everHealthy)
            {
                everHealthy = true;
                _log.WriteAppHostLine($"healthy after {clock.Elapsed.TotalSeconds:0.0} s");
            }
            else if (!healthy && !everHealthy && clock.Elapsed - lastWarning > SlowStartWarning)
            {
                lastWarning = clock.Elapsed;
                _logger.LogWarning("{Instance} is not healthy after {Seconds:0} s: {Reason}", InstanceName, clock.Elapsed.TotalSeconds, result.Description);
            }

            if (_snapshot.Health != result.Status || _snapshot.Description != result.Description)
            {
                Publish(s => s with { Health = result.Status, Description = result.Description });
            }

            var interval = healthy ? HealthyInterval : everHealthy ? TimeSpan.FromSeconds(1) : StartupInterval;
            await Task.WhenAny(anyExit, Task.Delay(interval, stopping));
            stopping.ThrowIfCancellationRequested();
            if (started.FirstOrDefault(c => c.Exited.IsCompleted) is { } exited)
            {
                return await ExitOfAsync(exited, clock.Elapsed);
            }
        }
    }

    private async Task<HealthCheckResult> CheckHealthAsync(CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(HealthCheckTimeout);
        try
        {
            // WaitAsync: a client that ignores its token (a broker handshake that never answers) cannot hold up a stop.
            return await _driver.CheckHealthAsync(_replica, timeout.Token).WaitAsync(timeout.Token);
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            var reason = e is OperationCanceledException ? $"no answer within {HealthCheckTimeout.TotalSeconds:0} s" : e.Message;
            return HealthCheckResult.Unhealthy(reason);
        }
    }

    private async Task<ProcessExit> ExitOfAsync(ChildProcess child, TimeSpan uptime)
    {
        var code = await child.Exited;
        return new ProcessExit(child.Spec.Name, child.Pid, ChildProcess.DescribeExit(code), uptime, _log.Recent(5));
    }

    private bool IsStopRequested
    {
        get
        {
            lock (_processesGate)
            {
                return _stopRequested;
            }
        }
    }

    private void Forget(ChildProcess child)
    {
        _context.DataFolder.Processes.Remove(child);
        lock (_processesGate)
        {
            _processes.Remove(child);
        }
    }

    /// <summary>Stops the instance's processes, newest first, each asked gracefully and killed after the budget.</summary>
    public async Task<bool> StopAsync(TimeSpan budget)
    {
        // A dashboard command under way finishes first, within the same budget; after that the stop goes ahead anyway.
        var gate = await _commands.WaitAsync(budget);
        try
        {
            return await StopCoreAsync(budget);
        }
        finally
        {
            if (gate)
            {
                _commands.Release();
            }
        }
    }

    private async Task<bool> StopCoreAsync(TimeSpan budget)
    {
        List<ChildProcess> running;
        lock (_processesGate)
        {
            _stopRequested = true;
            running = [.. _processes];
        }

        await _stopping.CancelAsync();
        if (_snapshot.State != KnownResourceStates.NotStarted)
        {
            Publish(s => s with { State = KnownResourceStates.Stopping });
        }

        var clock = Stopwatch.StartNew();
        var graceful = true;
        for (var i = running.Count - 1; i >= 0; i--)
        {
            var left = budget - clock.Elapsed;
            graceful &= await running[i].StopAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            Forget(running[i]);
            if (!graceful)
            {
                _log.WriteAppHostLine($"{running[i].Spec.Name} (PID {running[i].Pid}) did not stop within {budget.TotalSeconds:0.#} s and was killed");
            }
        }

        try
        {
            await _run.WaitAsync(RunLoopExitTimeout);
        }
        catch (TimeoutException)
        {
            // Its processes are gone; whatever the loop still awaits must not keep the AppHost from exiting.
            _log.WriteAppHostLine($"the supervision loop did not finish within {RunLoopExitTimeout.TotalSeconds:0} s of the stop; leaving it");
        }

        Publish(s => s with
        {
            State = KnownResourceStates.Exited,
            Health = null,
            ProcessId = null,
            ProcessIds = [],
            Description = graceful ? "stopped" : "killed after the stop timeout",
        });
        return graceful;
    }

    private void Publish(Func<ResourceSnapshot, ResourceSnapshot> change)
    {
        lock (_snapshotGate)
        {
            _snapshot = change(_snapshot);
            _notifications.Publish(_snapshot);
        }
    }

    private sealed record ProcessExit(string ProcessName, int Pid, string Description, TimeSpan Uptime, IReadOnlyList<string> LastOutput);
}

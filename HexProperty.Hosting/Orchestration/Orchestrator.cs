using System.Diagnostics;
using HexProperty.Dashboard;
using HexProperty.Dashboard.Resources;
using HexProperty.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HexProperty.Hosting.Orchestration;

/// <summary>
/// Runs the application model: takes the data folder, checks that every server program is installed, loads
/// credentials, allocates ports, then supervises one runner per instance; stops them in reverse dependency
/// order within the stop timeout.
/// </summary>
internal sealed class Orchestrator(
    DistributedApplicationModel model,
    IOptions<AppHostOptions> options,
    IConfiguration configuration,
    ILoggerFactory loggerFactory,
    ResourceNotificationService notifications,
    IOptions<DashboardOptions> dashboardOptions) : IHostedService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("HexProperty.Hosting");
    private readonly Dictionary<Resource, List<InstanceRunner>> _runners = [];
    private readonly List<IResourceDriver> _drivers = [];
    private readonly List<ResourceLog> _logs = [];
    private readonly CancellationTokenSource _reporterStop = new();
    private DataFolder? _dataFolder;
    private Task _reporter = Task.CompletedTask;
    private volatile bool _stopping;

    public RunContext? Context { get; private set; }

    /// <summary>The developer dashboard, while the application runs (null when disabled).</summary>
    public DashboardServer? Dashboard { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var clock = Stopwatch.StartNew();
        var dataPath = settings.DataPath ?? Path.Combine(model.RepositoryDirectory, ".hexdata", settings.Name);
        _dataFolder = DataFolder.Acquire(dataPath, settings.Clean);
        try
        {
            foreach (var leftover in _dataFolder.Processes.StopLeftovers())
            {
                _logger.LogWarning("Stopped {Name} (PID {Pid}), left running by an earlier AppHost on this data folder", leftover.Name, leftover.Pid);
            }

            var context = new RunContext(_dataFolder, configuration, loggerFactory, settings);
            Context = context;
            if (dashboardOptions.Value.Enabled)
            {
                Dashboard = await DashboardServer.StartAsync(dashboardOptions.Value, new OrchestratorResources(this, notifications), loggerFactory, cancellationToken);
                if (string.IsNullOrWhiteSpace(context.OtlpEndpoint))
                {
                    context.OtlpEndpoint = Dashboard.Url;
                    context.OtlpHeaders = Dashboard.OtlpHeaders;
                }

                _logger.LogInformation("Dashboard: {LoginUrl}", Dashboard.LoginUrl);
            }

            foreach (var parameter in model.Resources.OfType<ParameterResource>())
            {
                parameter.SetValue(_dataFolder.Secrets.GetOrCreate(parameter.Name, parameter.MinLength));
            }

            var runnable = model.Resources.OfType<IRunnableResource>().ToList();
            var drivers = runnable.ToDictionary(r => (IResource)r, r => r.CreateDriver(context));
            _drivers.AddRange(drivers.Values);
            ThrowIfPrerequisitesMissing(drivers.Values);
            AllocatePorts(runnable, settings);
            _dataFolder.WriteConnections(
                model.Resources.OfType<IResourceWithConnectionString>().ToDictionary(r => r.Name, r => r.GetConnectionString()),
                model.Resources.OfType<Projects.ProjectResource>().ToDictionary(
                    p => p.Name, p => (IReadOnlyList<string>)[.. Enumerable.Range(0, p.Replicas).Select(p.HttpEndpoint.GetUrl)]));

            var nameWidth = runnable.SelectMany(r => Enumerable.Range(0, r.Replicas).Select(i => InstanceNames.For(r, r.Replicas, i).Length)).Max();
            foreach (var resource in runnable.Cast<Resource>())
            {
                var replicas = ((IRunnableResource)resource).Replicas;
                var driver = drivers[resource];
                var prepare = new PrepareOnce(driver.PrepareAsync);
                var names = Enumerable.Range(0, replicas).Select(i => InstanceNames.For(resource, replicas, i)).ToList();
                notifications.Register(resource.Name, resource.DisplayType, names);
                _runners[resource] = [.. Enumerable.Range(0, replicas).Select(replica =>
                {
                    var log = new ResourceLog(names[replica], Path.Combine(_dataFolder.LogsDirectory, names[replica] + ".log"), settings.ShowResourceLogs, nameWidth);
                    _logs.Add(log);
                    var initial = new ResourceSnapshot(resource.Name, names[replica], resource.DisplayType)
                    {
                        Urls = UrlsOf(resource, replica),
                        ServiceInstanceId = resource is Projects.ProjectResource ? InstanceNames.ServiceInstanceId(names[replica], context.RunId) : null,
                        LogFile = log.FilePath,
                    };
                    return new InstanceRunner(resource, replica, driver, prepare, context, notifications, log, initial, _logger);
                })];
            }

            _logger.LogInformation("Starting {Count} resources; data in {DataFolder}", runnable.Count, _dataFolder.Root);
            foreach (var runner in _runners.Values.SelectMany(r => r))
            {
                runner.Start();
            }

            if (settings.ConsoleReport)
            {
                _reporter = new ConsoleReporter(notifications, _logger, _dataFolder, clock, Dashboard?.LoginUrl).RunAsync(_reporterStop.Token);
            }
        }
        catch
        {
            if (Dashboard is not null)
            {
                await Dashboard.DisposeAsync();
                Dashboard = null;
            }

            _dataFolder.Dispose();
            _dataFolder = null;
            throw;
        }
    }

    internal ResourceLog? LogOf(string instanceName) => _logs.FirstOrDefault(l => l.InstanceName == instanceName);

    /// <summary>Stop, start or restart one instance, as the dashboard asks; refused once the application is stopping.</summary>
    internal async Task<CommandOutcome> ExecuteAsync(string instanceName, ResourceCommand command)
    {
        if (_stopping)
        {
            return new CommandOutcome(false, "The AppHost is stopping.");
        }

        if (_runners.Values.SelectMany(r => r).FirstOrDefault(r => r.InstanceName == instanceName) is not { } runner)
        {
            return new CommandOutcome(false, $"There is no resource instance named '{instanceName}'.");
        }

        var (succeeded, message) = await runner.ExecuteAsync(command, options.Value.StopTimeout);
        _logger.LogInformation("{Command} {Instance} from the dashboard: {Message}", command, instanceName, message);
        return new CommandOutcome(succeeded, message);
    }

    private static void ThrowIfPrerequisitesMissing(IEnumerable<IResourceDriver> drivers)
    {
        var missing = drivers.SelectMany(d => d.RequiredFiles).Where(f => !File.Exists(f.Path)).Select(f => f.WhenMissing).Distinct().ToList();
        if (missing.Count > 0)
        {
            throw new DistributedApplicationException(
                "The application cannot start:" + string.Concat(missing.Select(m => Environment.NewLine + "  - " + m)));
        }
    }

    private static void AllocatePorts(IEnumerable<IRunnableResource> resources, AppHostOptions settings)
    {
        foreach (var resource in resources.OfType<IResourceWithEndpoints>())
        {
            var replicas = resource is IRunnableResource r ? r.Replicas : 1;
            foreach (var endpoint in resource.Endpoints)
            {
                endpoint.AllocatedPorts.Clear();
                var fixedPort = endpoint == resource.Endpoints[0] && settings.Ports.TryGetValue(resource.Name, out var configured) ? configured : endpoint.Port;
                for (var replica = 0; replica < replicas; replica++)
                {
                    if (fixedPort is { } port)
                    {
                        if (!PortAllocator.IsFree(port + replica))
                        {
                            throw new DistributedApplicationException(
                                $"Port {port + replica} for '{resource.Name}' is already in use by another program; stop it, or choose another port (AppHost__Ports__{resource.Name}).");
                        }

                        endpoint.AllocatedPorts.Add(port + replica);
                    }
                    else
                    {
                        endpoint.AllocatedPorts.Add(PortAllocator.GetFreePort());
                    }
                }
            }
        }
    }

    private static IReadOnlyList<string> UrlsOf(Resource resource, int replica) => resource switch
    {
        IResourceWithEndpoints withEndpoints => [.. withEndpoints.Endpoints.Select(e => e.GetUrl(replica))],
        Postgres.PostgresDatabaseResource database => [$"{database.Parent.PrimaryEndpoint.GetUrl()}/{database.DatabaseName}"],
        _ => [],
    };

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_dataFolder is null)
        {
            return;
        }

        _stopping = true;
        var clock = Stopwatch.StartNew();
        var deadline = options.Value.StopTimeout;
        var levels = DependencyGraph.StopOrder([.. _runners.Keys]);
        _logger.LogInformation("Stopping: {Order}", string.Join(" -> ", levels.Select(l => string.Join(", ", l.Select(r => r.Name)))));
        for (var i = 0; i < levels.Count; i++)
        {
            // Keep a second for each level still to come, so the last servers get time to stop cleanly too.
            var budget = deadline - clock.Elapsed - TimeSpan.FromSeconds(levels.Count - i - 1);
            budget = budget < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : budget;
            await Task.WhenAll(levels[i].SelectMany(r => _runners[r]).Select(runner => runner.StopAsync(budget)));
        }

        await _reporterStop.CancelAsync();
        await _reporter;
        foreach (var driver in _drivers.OfType<IAsyncDisposable>())
        {
            await driver.DisposeAsync();
        }

        foreach (var log in _logs)
        {
            log.Dispose();
        }

        if (Dashboard is not null)
        {
            // Last, so what the services flushed on their way out still arrived.
            await Dashboard.DisposeAsync();
            Dashboard = null;
        }

        _dataFolder.Dispose();
        if (options.Value.DeleteDataOnStop && Environment.GetEnvironmentVariable("HEXPROPERTY_KEEP_TEST_DATA") != "1")
        {
            Directory.Delete(_dataFolder.Root, recursive: true);
        }

        _dataFolder = null;
        _logger.LogInformation("Stopped all resources in {Seconds:0.0} s", clock.Elapsed.TotalSeconds);
    }
}

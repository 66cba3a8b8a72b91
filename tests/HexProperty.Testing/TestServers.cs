using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using HexProperty.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HexProperty.Testing;

/// <summary>
/// Real servers for a test project, run as the AppHost runs them (HexProperty.Hosting's resources under DCP, started
/// through Aspire.Hosting.Testing), with their data in a test folder of their own, deleted afterwards. Stopping the
/// application stops every server by its PID.
/// </summary>
public sealed class TestServers : IAsyncDisposable
{
    private readonly TestDataFolder _folder;
    private readonly bool _ownsFolder;

    private TestServers(DistributedApplication app, TestDataFolder folder, bool ownsFolder)
    {
        App = app;
        _folder = folder;
        _ownsFolder = ownsFolder;
    }

    public DistributedApplication App { get; }

    public string DataPath => _folder.Path;

    /// <summary>Starts the servers <paramref name="addServers"/> declares and waits until every resource is healthy. Their
    /// data goes to a new test folder, or to <paramref name="folder"/>, which the caller then keeps and deletes.</summary>
    public static async Task<TestServers> StartAsync(
        string name, Action<IDistributedApplicationBuilder> addServers, string[]? arguments = null, TestDataFolder? folder = null)
    {
        var ownsFolder = folder is null;
        folder ??= new TestDataFolder(name);
        try
        {
            var builder = DistributedApplicationTestingBuilder.Create([$"--{LocalServers.DataPathKey}={folder.Path}", .. arguments ?? []]);
            addServers(builder);
            var app = await builder.BuildAsync();
            var servers = new TestServers(app, folder, ownsFolder);
            try
            {
                await app.StartAsync();
                await servers.WaitHealthyAsync(TimeSpan.FromMinutes(2));
                return servers;
            }
            catch
            {
                await servers.DisposeAsync();
                throw;
            }
        }
        catch
        {
            if (ownsFolder)
            {
                folder.Dispose();
            }

            throw;
        }
    }

    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        foreach (var resource in Model.Resources.Where(r => r is not ParameterResource))
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource.Name, cancellation.Token);
        }
    }

    public DistributedApplicationModel Model => App.Services.GetRequiredService<DistributedApplicationModel>();

    public async Task<string> ConnectionStringAsync(string resource) =>
        await App.GetConnectionStringAsync(resource) ?? throw new InvalidOperationException($"{resource} has no connection string.");

    public LocalServerResource Server(string resource) => Model.Resources.OfType<LocalServerResource>().Single(r => r.Name == resource);

    /// <summary>The PID of the server process itself (the supervisor's child), which it writes when it starts one.</summary>
    public int ServerPid(string resource) => int.Parse(File.ReadAllText(Server(resource).ServerPidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>SIGKILLs the server process, which is what a crash looks like to its clients; returns its PID.</summary>
    public int KillServer(string resource)
    {
        var pid = ServerPid(resource);
        Posix.Kill(pid, Posix.SigKill);
        return pid;
    }

    /// <summary>Waits until the supervisor has started the server again (a new PID) and a real client gets an answer.</summary>
    public async Task WaitRestartedAsync(string resource, int killedPid, TimeSpan? timeout = null)
    {
        await Eventually.TrueAsync(
            () => File.Exists(Server(resource).ServerPidFile) && ServerPid(resource) != killedPid,
            $"{resource} was not started again after PID {killedPid} was killed", timeout);
        await Eventually.TrueAsync(async () => await CheckHealthAsync(resource) == HealthStatus.Healthy, $"{resource} did not answer again", timeout);
    }

    /// <summary>Runs the resource's own health check (the one <c>WaitFor</c> uses) now.</summary>
    public async Task<HealthStatus> CheckHealthAsync(string resource)
    {
        var checks = App.Services.GetRequiredService<HealthCheckService>();
        return (await checks.CheckHealthAsync(r => r.Name == $"{resource}_check")).Status;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        if (_ownsFolder)
        {
            _folder.Dispose();
        }
    }
}

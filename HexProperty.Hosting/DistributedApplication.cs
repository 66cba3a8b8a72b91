using HexProperty.Hosting.Orchestration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HexProperty.Hosting;

/// <summary>
/// The running distributed application. Created by <see cref="CreateBuilder"/> in the AppHost's Program.cs,
/// as with Aspire; <see cref="Run"/> starts every resource and stops them all on Ctrl+C or SIGTERM.
/// </summary>
public sealed class DistributedApplication : IHost, IAsyncDisposable
{
    private readonly IHost _host;
    private bool _started;

    internal DistributedApplication(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public ResourceNotificationService ResourceNotifications => Services.GetRequiredService<ResourceNotificationService>();

    /// <summary>The developer dashboard while the application runs; null in publish mode or when disabled.</summary>
    public HexProperty.Dashboard.DashboardServer? Dashboard => Services.GetService<Orchestrator>()?.Dashboard;

    public static IDistributedApplicationBuilder CreateBuilder(string[] args) =>
        new DistributedApplicationBuilder(args, Testing.BuilderInterception.Current);

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _started = true;
        await _host.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => _host.StopAsync(cancellationToken);

    /// <summary>Runs until Ctrl+C or SIGTERM. A start failure the developer can fix prints its message and exits with 1.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            _started = true;
            await _host.RunAsync(cancellationToken);
        }
        catch (DistributedApplicationException)
        {
            // The host has already logged the message ("Hosting failed to start"); the formatter shows it without a stack trace.
            Environment.ExitCode = 1;
        }
    }

    public void Run() => RunAsync().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await _host.StopAsync();
        }

        if (_host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }

    void IDisposable.Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}

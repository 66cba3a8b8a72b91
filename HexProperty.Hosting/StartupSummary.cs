using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HexProperty.Hosting;

/// <summary>
/// What Aspire does not print: once every resource is healthy (or, like a migration step, finished with exit code 0),
/// a table of every instance with its state, PID and URL or port, and the running servers' connection strings in
/// <c>connections.json</c> in the data root, where the seeder, the benchmarks and psql find them. After that, each
/// change of an instance's state or health gets one line, for whoever watches the console.
/// </summary>
public static class StartupSummary
{
    public const string ConnectionsFileName = "connections.json";

    public static IDistributedApplicationBuilder AddStartupSummary(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            var dataRoot = LocalServers.Root(builder).Path;
            // Watching starts before anything runs (a hosted service would start after Aspire's own, too late to see
            // when each resource became ready), and ends when the application stops.
            builder.Eventing.Subscribe<BeforeStartEvent>((@event, cancellationToken) =>
            {
                var services = @event.Services;
                var watcher = new Watcher(
                    services.GetRequiredService<ResourceNotificationService>(),
                    @event.Model,
                    dataRoot,
                    services.GetRequiredService<ILoggerFactory>().CreateLogger("HexProperty.AppHost"));
                _ = watcher.WatchAsync(services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
                return Task.CompletedTask;
            });
        }

        return builder;
    }

    /// <summary>Settled: running and healthy (or without health checks), or finished with exit code 0.</summary>
    internal static bool IsSettled(CustomResourceSnapshot snapshot) =>
        snapshot.State?.Text == KnownResourceStates.Running
            ? snapshot.HealthStatus is null or Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
            : KnownResourceStates.TerminalStates.Contains(snapshot.State?.Text) && snapshot.ExitCode == 0;

    internal static string Table(IEnumerable<ResourceEvent> instances, IReadOnlyDictionary<string, DateTime> settledAt)
    {
        string[] header = ["Resource", "Type", "State", "Health", "PID", "Ready after", "Endpoint"];
        var replicated = instances.GroupBy(e => e.Resource.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var rows = instances.Select(e => new[]
            {
                replicated.Contains(e.Resource.Name) ? e.ResourceId : e.Resource.Name,
                DisplayType(e),
                e.Snapshot.State?.Text ?? "-",
                e.Snapshot.HealthStatus?.ToString() ?? "-",
                e.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value?.ToString() ?? "-",
                // From the process's start to the first good answer of its health check: its own boot, not its wait.
                e.Snapshot.StartTimeStamp is { } started && settledAt.TryGetValue(e.ResourceId, out var ready) && ready > started
                    ? string.Create(CultureInfo.InvariantCulture, $"{(ready - started).TotalSeconds:0.0} s")
                    : "-",
                string.Join(' ', e.Snapshot.Urls.Where(u => !u.IsInternal).Select(u => u.Url).DefaultIfEmpty("-")),
            })
            .ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var table = new StringBuilder();
        foreach (var row in rows.Prepend(header))
        {
            table.Append("  ").AppendJoin("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).AppendLine();
        }

        return table.ToString().TrimEnd();
    }

    /// <summary>What the server is, where Aspire would say only "Executable".</summary>
    private static string DisplayType(ResourceEvent e) => e.Resource switch
    {
        Postgres.LocalPostgresResource => "PostgreSQL",
        Postgres.LocalPostgresDatabaseResource => "Database",
        Postgres.LocalPostgresStandbyResource => "Standby",
        Redis.LocalRedisResource => "Redis",
        RabbitMQ.LocalRabbitMQResource => "RabbitMQ",
        RabbitMQ.EpmdResource => "epmd",
        Balancing.LocalBalancerResource => "HAProxy",
        Monitoring.LocalMonitoringResource m => m.Kind,
        _ => e.Snapshot.ResourceType,
    };

    private sealed class Watcher(ResourceNotificationService notifications, DistributedApplicationModel model, string dataRoot, ILogger logger)
    {
        private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new();
        private readonly HashSet<string> _hidden = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, DateTime> _settledAt = [];
        private readonly DateTime _started = DateTime.UtcNow;
        private bool _printed;

        public async Task WatchAsync(CancellationToken stoppingToken)
        {
            try
            {
                await foreach (var update in notifications.WatchAsync(stoppingToken))
                {
                    if (update.Resource is ParameterResource || update.Snapshot.IsHidden)
                    {
                        _hidden.Add(update.Resource.Name);
                        continue;
                    }

                    _latest.TryGetValue(update.ResourceId, out var previous);
                    _latest[update.ResourceId] = update;
                    if (IsSettled(update.Snapshot))
                    {
                        _settledAt.TryAdd(update.ResourceId, DateTime.UtcNow);
                    }

                    var changed = previous is null || previous.Snapshot.State?.Text != update.Snapshot.State?.Text || previous.Snapshot.HealthStatus != update.Snapshot.HealthStatus;
                    if (changed)
                    {
                        // Until the table is printed, Aspire's own start-up lines say enough; after it, each change is news.
                        logger.Log(_printed ? LogLevel.Information : LogLevel.Debug, "{Resource}: {State} ({Health})",
                            update.ResourceId, update.Snapshot.State?.Text, update.Snapshot.HealthStatus?.ToString() ?? "no health checks");
                    }

                    if (!_printed)
                    {
                        await PrintWhenSettledAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
        }

        private async Task PrintWhenSettledAsync(CancellationToken cancellationToken)
        {
            // Every resource must have been seen; the hidden ones (the projects' rebuilders) are not listed.
            var expected = model.Resources.Where(r => r is not ParameterResource).Select(r => r.Name).Where(name => !_hidden.Contains(name)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            // In the model's order: servers first, as the AppHost declares them.
            var order = model.Resources.Select((r, i) => (r, i)).ToDictionary(x => x.r, x => x.i);
            var instances = _latest.Values.OrderBy(e => order.GetValueOrDefault(e.Resource, int.MaxValue)).ThenBy(e => e.ResourceId, StringComparer.Ordinal).ToList();
            if (!expected.All(name => instances.Any(i => i.Resource.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
                || !instances.All(i => IsSettled(i.Snapshot)))
            {
                return;
            }

            _printed = true;
            var connections = await WriteConnectionsAsync(cancellationToken);
            var seconds = (DateTime.UtcNow - _started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            logger.LogInformation("All {Count} resources are healthy ({Seconds} s after start).\n{Table}\nConnection strings: {Connections}\nData of the servers: {DataRoot}",
                instances.Count, seconds, Table(instances, _settledAt), connections, dataRoot);
        }

        /// <summary>The configuration the projects receive (<c>ConnectionStrings</c>, <c>services:name:http</c>) and each
        /// server's URI for command-line clients, readable only by the owner, like the secrets it holds.</summary>
        private async Task<string> WriteConnectionsAsync(CancellationToken cancellationToken)
        {
            var connectionStrings = new SortedDictionary<string, string?>(StringComparer.Ordinal);
            var uris = new SortedDictionary<string, string?>(StringComparer.Ordinal);
            foreach (var resource in model.Resources.OfType<IResourceWithConnectionString>())
            {
                connectionStrings[resource.Name] = await resource.GetConnectionStringAsync(cancellationToken);
                if (resource.GetConnectionProperties().FirstOrDefault(p => p.Key == "Uri").Value is { } uri)
                {
                    uris[resource.Name] = await uri.GetValueAsync(cancellationToken); // what psql and redis-cli take
                }
            }

            var services = new SortedDictionary<string, Dictionary<string, string[]>>(StringComparer.Ordinal);
            foreach (var service in model.Resources.OfType<IResourceWithServiceDiscovery>())
            {
                services[service.Name] = service.Annotations.OfType<EndpointAnnotation>()
                    .Where(e => e.AllocatedEndpoint is not null)
                    .ToDictionary(e => e.Name, e => new[] { e.AllocatedEndpoint!.UriString });
            }

            var path = Path.Combine(dataRoot, ConnectionsFileName);
            await PrivateFile.WriteAsync(path, JsonSerializer.Serialize(new { ConnectionStrings = connectionStrings, Uris = uris, services }, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
            return path;
        }
    }
}

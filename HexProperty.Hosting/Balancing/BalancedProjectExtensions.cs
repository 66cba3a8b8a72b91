using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HexProperty.Hosting.Balancing;

public static class BalancedProjectExtensions
{
    /// <summary>
    /// Adds a project run as <see cref="BalancerSettings.Replicas"/> processes (<c>{name}-1</c>, <c>{name}-2</c>...) behind
    /// HAProxy, the resource named <paramref name="name"/> that everything else references: <c>WithReference(api)</c>
    /// gives <c>services__api__http__0</c>, the balancer's address, and <c>WaitFor(api)</c> waits until a replica answers
    /// through it. <paramref name="configure"/> is applied to every replica. A replica that crashes is started again.
    /// Settings come from <paramref name="defaults"/>, then the configuration section <c>Balancing:{name}</c>.
    /// In publish mode there is no HAProxy: the manifest has one project with that many replicas, and the platform's
    /// ingress balances them.
    /// </summary>
    public static IResourceBuilder<IResourceWithServiceDiscovery> AddBalancedProject<TProject>(
        this IDistributedApplicationBuilder builder, string name, Action<IResourceBuilder<ProjectResource>> configure, Action<BalancerSettings>? defaults = null)
        where TProject : IProjectMetadata, new()
    {
        var settings = new BalancerSettings();
        defaults?.Invoke(settings);
        builder.Configuration.GetSection($"{BalancerSettings.SectionName}:{name}").Bind(settings);
        settings.Validate(name);

        if (!builder.ExecutionContext.IsRunMode)
        {
            var project = builder.AddProject<TProject>(name);
            configure(project);
            project.WithReplicas(settings.Replicas);
            return builder.CreateResourceBuilder<IResourceWithServiceDiscovery>(project.Resource);
        }

        var balancer = new LocalBalancerResource(name, LocalServers.Root(builder).ServerDirectory(name), settings);
        var resource = builder.AddSupervised(balancer, ServerProgram.Find(builder, "/usr/sbin/haproxy", "haproxy", "HAProxy"))
            .WithEndpoint(LocalBalancerResource.HttpEndpointName, e => Proxyless(e, "http"))
            .WithEndpoint(LocalBalancerResource.StatsEndpointName, e => Proxyless(e, "http"))
            .WithEnvironment(HaproxyConfig.FrontendAddressVariable, Loopback(balancer, LocalBalancerResource.HttpEndpointName))
            .WithEnvironment(HaproxyConfig.StatsAddressVariable, Loopback(balancer, LocalBalancerResource.StatsEndpointName))
            .WithArgs("-f", balancer.ConfigFile, "-db") // -db: stay in the foreground, under the supervisor
            .WithIconName("ArrowSplit")
            .WithHttpHealthCheck(settings.HealthPath, endpointName: LocalBalancerResource.HttpEndpointName)
            .WithUrlForEndpoint(LocalBalancerResource.StatsEndpointName, url => url.DisplayText = "HAProxy stats");

        for (var i = 0; i < settings.Replicas; i++)
        {
            var replica = builder.AddProject<TProject>($"{name}-{i + 1}")
                .WithEndpoint("http", e =>
                {
                    // The balancer takes the port the launch profile gives the project, so the developer's URL stays
                    // where it was; tests ask for random ports (DcpPublisher:RandomizePorts) and get one.
                    if (i == 0 && !builder.Configuration.GetValue<bool>("DcpPublisher:RandomizePorts"))
                    {
                        resource.WithEndpoint(LocalBalancerResource.HttpEndpointName, frontend => frontend.Port = frontend.TargetPort = e.Port);
                    }

                    Proxyless(e, "http"); // the balancer is the proxy: one hop, not two
                    // A port of its own, chosen now: a replica started again after a crash comes back where the
                    // balancer's configuration expects it (a port DCP allocates may change at a restart).
                    e.Port = e.TargetPort = LocalServers.FreeLoopbackPort();
                })
                .WithParentRelationship(balancer);
            configure(replica);
            replica.WithRestartWhenCrashed();
            balancer.ReplicaList.Add(replica.Resource);
            resource.WithEnvironment(HaproxyConfig.ServerAddressVariable(i), Loopback(replica.Resource, "http"));
        }

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(balancer, async (_, cancellationToken) =>
        {
            Directory.CreateDirectory(balancer.WorkingDirectory);
            await File.WriteAllTextAsync(balancer.ConfigFile, HaproxyConfig.Render(name, settings, [.. balancer.Replicas.Select(r => r.Name)]), cancellationToken);
        });
        return builder.CreateResourceBuilder<IResourceWithServiceDiscovery>(balancer);
    }

    /// <summary>
    /// Starts the project again when its process exits on its own with a failure (killed, crashed), as a container
    /// platform's restart policy would; DCP does not. A stop asked for (the dashboard, the AppHost stopping) exits with 0
    /// and is left alone. Restarts back off from 1 s to 30 s while the process keeps failing within 30 s of its start.
    /// </summary>
    public static IResourceBuilder<T> WithRestartWhenCrashed<T>(this IResourceBuilder<T> builder)
        where T : IResource
    {
        var delay = TimeSpan.Zero;
        var lastStart = DateTime.MinValue;
        builder.ApplicationBuilder.Eventing.Subscribe<ResourceStoppedEvent>(builder.Resource, (@event, cancellationToken) =>
        {
            var services = @event.Services;
            var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            if (stopping.IsCancellationRequested || @event.ResourceEvent.Snapshot.ExitCode is null or 0)
            {
                return Task.CompletedTask;
            }

            delay = DateTime.UtcNow - lastStart > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            var logger = services.GetRequiredService<ResourceLoggerService>().GetLogger(builder.Resource);
            logger.LogWarning("{Resource} exited with code {ExitCode}; starting it again in {Delay} s.", builder.Resource.Name, @event.ResourceEvent.Snapshot.ExitCode, delay.TotalSeconds);
            var wait = delay;
            // Not awaited: the start command waits on the orchestrator, which is still delivering this event.
            _ = Task.Run(async () =>
            {
                try
                {
                    await Task.Delay(wait, stopping);
                    lastStart = DateTime.UtcNow;
                    var result = await services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(builder.Resource, KnownResourceCommands.StartCommand, stopping);
                    if (!result.Success)
                    {
                        logger.LogError("Starting {Resource} again failed: {Error}", builder.Resource.Name, result.Message);
                    }
                }
                catch (OperationCanceledException)
                {
                    // the AppHost is stopping: nothing to restart
                }
            }, CancellationToken.None);
            return Task.CompletedTask;
        });
        return builder;
    }

    private static void Proxyless(EndpointAnnotation endpoint, string scheme)
    {
        endpoint.Port = null;
        endpoint.TargetPort = null;
        endpoint.IsProxied = false;
        endpoint.UriScheme = scheme;
        endpoint.TargetHost = "127.0.0.1";
    }

    private static ReferenceExpression Loopback(IResourceWithEndpoints resource, string endpoint) =>
        ReferenceExpression.Create($"127.0.0.1:{resource.GetEndpoint(endpoint).Property(EndpointProperty.Port)}");
}

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using HexProperty.Hosting.Balancing;
using HexProperty.Hosting.Postgres;
using HexProperty.Hosting.RabbitMQ;
using HexProperty.Hosting.Redis;
using Microsoft.Extensions.Configuration;

namespace HexProperty.Hosting.Monitoring;

public static class MonitoringBuilderExtensions
{
    /// <summary>The configuration key, given to the services that store alerts, of the token Alertmanager sends them.</summary>
    public const string WebhookTokenVariable = "Alerts__WebhookToken";

    /// <summary>The path on the alert store's balancer that Alertmanager posts to.</summary>
    public const string WebhookPath = "/api/ops/alerts/notify";

    /// <summary>
    /// Adds Prometheus (<c>prometheus</c>) and Alertmanager (<c>alertmanager</c>), run from Debian's packages, and makes
    /// every resource already in the model a scrape target: each project gets a metrics port of its own
    /// (<c>Telemetry__PrometheusPort</c>, served by ServiceDefaults, never behind a balancer), each balancer's HAProxy
    /// stats endpoint is scraped, RabbitMQ gets its rabbitmq_prometheus plugin, and PostgreSQL (with its standbys) and
    /// Redis get an exporter each. Call it after the last resource is added: the targets follow the model, so another
    /// replica is scraped without a file being edited. Rules are the <c>*.rules.yml</c> files of
    /// <paramref name="monitoringDirectory"/>; <c>postgres-queries.yml</c> there adds the exporter's own queries.
    /// Alerts, firing and resolved, go to <paramref name="alertStore"/>'s <see cref="WebhookPath"/> with a bearer token
    /// (<see cref="WebhookTokenVariable"/>), and its replicas get Prometheus' address (<c>services__prometheus__http__0</c>).
    /// Run mode only: a deployment has its platform's monitoring, so the manifest is unchanged.
    /// </summary>
    public static void AddLocalMonitoring(this IDistributedApplicationBuilder builder, string monitoringDirectory, IResourceBuilder<IResourceWithServiceDiscovery> alertStore)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return;
        }

        var settings = new MonitoringSettings();
        builder.Configuration.GetSection(MonitoringSettings.SectionName).Bind(settings);
        settings.Validate();
        var root = LocalServers.Root(builder);

        foreach (var resource in builder.Resources.ToList())
        {
            switch (resource)
            {
                case ProjectResource project when project.Annotations.OfType<EndpointAnnotation>().Any(e => e.Name == "http"):
                    var port = LocalServers.FreeLoopbackPort();
                    builder.CreateResourceBuilder(project)
                        .WithEndpoint("metrics", e => LoopbackHttp(e, port))
                        .WithEnvironment("Telemetry__PrometheusPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture))
                        .WithAnnotation(new ScrapeTargetAnnotation(BalancerOf(builder, project)?.Name ?? project.Name, project.Name, port));
                    break;
                case LocalBalancerResource balancer:
                    var stats = balancer.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == LocalBalancerResource.StatsEndpointName);
                    stats.Port = stats.TargetPort = LocalServers.FreeLoopbackPort(); // known now, for Prometheus' configuration
                    balancer.Annotations.Add(new ScrapeTargetAnnotation("haproxy", balancer.Name, stats.Port.Value));
                    break;
                case LocalRabbitMQResource rabbit:
                    rabbit.MetricsPort = LocalServers.FreeLoopbackPort();
                    rabbit.Annotations.Add(new ScrapeTargetAnnotation("rabbitmq", rabbit.Name, rabbit.MetricsPort.Value));
                    break;
                case LocalPostgresResource postgres:
                    var database = postgres.Databases.FirstOrDefault()?.DatabaseName ?? "postgres";
                    AddPostgresExporter(builder, root, postgres, postgres, database, monitoringDirectory);
                    foreach (var standby in builder.Resources.OfType<LocalPostgresStandbyResource>().Where(s => s.Primary == postgres).ToList())
                    {
                        AddPostgresExporter(builder, root, standby, postgres, database, monitoringDirectory);
                    }

                    break;
                case LocalRedisResource redis:
                    AddRedisExporter(builder, root, redis);
                    break;
            }
        }

        var token = builder.AddParameter("alertmanager-token", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        var alertmanager = new LocalMonitoringResource("alertmanager", root.ServerDirectory("alertmanager"), "Alertmanager", LocalServers.FreeLoopbackPort());
        var prometheus = new LocalMonitoringResource("prometheus", root.ServerDirectory("prometheus"), "Prometheus", LocalServers.FreeLoopbackPort());

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(alertmanager, async (_, cancellationToken) =>
        {
            var store = alertStore.Resource.GetEndpoint("http").Property(EndpointProperty.Port);
            var url = $"http://127.0.0.1:{await store.GetValueAsync(cancellationToken)}{WebhookPath}";
            Directory.CreateDirectory(alertmanager.WorkingDirectory);
            await PrivateFile.WriteAsync(alertmanager.ConfigFile("alertmanager.yml"),
                PrometheusConfig.Alertmanager(url, await token.Resource.GetValueAsync(cancellationToken) ?? "", settings), cancellationToken);
        });
        builder.AddSupervised(alertmanager, ServerProgram.Find(builder, "/usr/bin/prometheus-alertmanager", "prometheus-alertmanager", "Alertmanager"))
            .WithArgs($"--config.file={alertmanager.ConfigFile("alertmanager.yml")}", $"--storage.path={alertmanager.ConfigFile("data")}",
                $"--web.listen-address={alertmanager.Address}", "--cluster.listen-address=", "--log.level=warn")
            .WithMonitoringEndpoint(alertmanager)
            .WithHttpHealthCheck("/-/ready")
            .WithIconName("Alert")
            .WithAnnotation(new ScrapeTargetAnnotation("alertmanager", alertmanager.Name, alertmanager.Port))
            .WithParentRelationship(prometheus);

        prometheus.Annotations.Add(new ScrapeTargetAnnotation("prometheus", prometheus.Name, prometheus.Port));
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(prometheus, async (_, cancellationToken) =>
        {
            var targets = builder.Resources.SelectMany(r => r.Annotations.OfType<ScrapeTargetAnnotation>());
            Directory.CreateDirectory(prometheus.WorkingDirectory);
            await File.WriteAllTextAsync(prometheus.ConfigFile("prometheus.yml"),
                PrometheusConfig.Prometheus(targets, settings, Path.Combine(Path.GetFullPath(monitoringDirectory), "*.rules.yml"), alertmanager.Address), cancellationToken);
        });
        var prometheusBuilder = builder.AddSupervised(prometheus, ServerProgram.Find(builder, "/usr/bin/prometheus", "prometheus", "Prometheus"))
            .WithArgs($"--config.file={prometheus.ConfigFile("prometheus.yml")}", $"--storage.tsdb.path={prometheus.ConfigFile("data")}",
                $"--storage.tsdb.retention.time={(long)settings.Retention.TotalHours}h", $"--web.listen-address={prometheus.Address}", "--log.level=warn")
            .WithMonitoringEndpoint(prometheus)
            .WithHttpHealthCheck("/-/ready")
            .WithIconName("ChartMultiple");

        if (alertStore.Resource is LocalBalancerResource store)
        {
            foreach (var replica in store.Replicas)
            {
                builder.CreateResourceBuilder(replica)
                    .WithReference(prometheusBuilder.GetEndpoint(LocalMonitoringResource.HttpEndpointName))
                    .WithEnvironment(WebhookTokenVariable, token);
            }
        }
    }

    private static LocalBalancerResource? BalancerOf(IDistributedApplicationBuilder builder, ProjectResource project) =>
        builder.Resources.OfType<LocalBalancerResource>().FirstOrDefault(b => b.Replicas.Contains(project));

    /// <summary>prometheus-postgres-exporter for one PostgreSQL server (the primary, a standby: one each, since the
    /// exporter's collectors cannot tell two servers apart), connected to <paramref name="database"/>, where
    /// <c>postgres-queries.yml</c>'s queries run.</summary>
    private static void AddPostgresExporter(IDistributedApplicationBuilder builder, LocalServers.DataRoot root, LocalServerResource server,
        LocalPostgresResource primary, string database, string monitoringDirectory)
    {
        var exporter = new LocalMonitoringResource($"{server.Name}-exporter", root.ServerDirectory($"{server.Name}-exporter"), "exporter", LocalServers.FreeLoopbackPort());
        var queries = Path.Combine(Path.GetFullPath(monitoringDirectory), "postgres-queries.yml");
        builder.AddSupervised(exporter, ServerProgram.Find(builder, "/usr/bin/prometheus-postgres-exporter", "prometheus-postgres-exporter", "PostgreSQL's Prometheus exporter"))
            .WithArgs([$"--web.listen-address={exporter.Address}", "--log.level=warn", "--disable-settings-metrics",
                .. File.Exists(queries) ? new[] { $"--extend.query-path={queries}" } : []])
            // The password stays off the command line, where ps would show it.
            .WithEnvironment("DATA_SOURCE_NAME", ReferenceExpression.Create(
                $"postgresql://{LocalPostgresResource.UserName}:{primary.PasswordParameter:uri}@127.0.0.1:{server.Port}/{database}?sslmode=disable"))
            .WithMonitoringEndpoint(exporter)
            .WithAnnotation(new ScrapeTargetAnnotation("postgres", server.Name, exporter.Port))
            .WithIconName("DataHistogram")
            .WithParentRelationship(server);
    }

    private static void AddRedisExporter(IDistributedApplicationBuilder builder, LocalServers.DataRoot root, LocalRedisResource redis)
    {
        var exporter = new LocalMonitoringResource($"{redis.Name}-exporter", root.ServerDirectory($"{redis.Name}-exporter"), "exporter", LocalServers.FreeLoopbackPort());
        builder.AddSupervised(exporter, ServerProgram.Find(builder, "/usr/bin/prometheus-redis-exporter", "prometheus-redis-exporter", "Redis' Prometheus exporter"))
            .WithArgs("-web.listen-address", exporter.Address, "-redis.addr", ReferenceExpression.Create($"redis://127.0.0.1:{redis.Port}"))
            .WithEnvironment("REDIS_PASSWORD", redis.PasswordParameter) // off the command line
            .WithMonitoringEndpoint(exporter)
            .WithAnnotation(new ScrapeTargetAnnotation("redis", redis.Name, exporter.Port))
            .WithIconName("DataHistogram")
            .WithParentRelationship(redis); // not waiting for Redis: while it is down, the exporter says so
    }

    private static IResourceBuilder<LocalMonitoringResource> WithMonitoringEndpoint(this IResourceBuilder<LocalMonitoringResource> builder, LocalMonitoringResource resource) =>
        builder.WithEndpoint(LocalMonitoringResource.HttpEndpointName, e => LoopbackHttp(e, resource.Port));

    /// <summary>An HTTP endpoint the program binds itself (no proxy), on loopback, at the port chosen for it.</summary>
    private static void LoopbackHttp(EndpointAnnotation endpoint, int port)
    {
        endpoint.UriScheme = "http";
        endpoint.IsProxied = false;
        endpoint.TargetHost = "127.0.0.1";
        endpoint.Port = endpoint.TargetPort = port;
    }
}

using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace HexProperty.Hosting.RabbitMQ;

public static class LocalRabbitMQBuilderExtensions
{
    private const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string Epmd = "/usr/bin/epmd";

    /// <summary>
    /// Adds a RabbitMQ node run from Debian's <c>rabbitmq-server</c>, with its own epmd as a resource (<c>name-epmd</c>), a
    /// generated password kept in the AppHost's user secrets and its data in the data root. Projects that reference it
    /// get <c>ConnectionStrings__name</c> (an AMQP URI) as from Aspire's <c>AddRabbitMQ</c>; <c>WaitFor</c> waits until an
    /// AMQP connection opens. In publish mode it is Aspire's RabbitMQ container resource.
    /// </summary>
    public static IResourceBuilder<LocalRabbitMQResource> AddLocalRabbitMQ(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true, persist: true);
        if (builder.ExecutionContext.IsPublishMode)
        {
            var container = builder.AddRabbitMQ(name, password: password, port: port).WithDataVolume();
            return builder.CreateResourceBuilder(new LocalRabbitMQResource(name, "", password.Resource) { PublishedAs = container.Resource });
        }

        var root = LocalServers.Root(builder);
        var node = new LocalRabbitMQResource(name, root.ServerDirectory(name), password.Resource);
        var epmdServer = new EpmdResource($"{name}-epmd", root.ServerDirectory($"{name}-epmd"));
        var epmd = builder.AddLocalServer(epmdServer, port: null, ServerProgram.Find(builder, Epmd, "rabbitmq-server", "Erlang's epmd (installed with RabbitMQ)"))
            .WithArgs("-port", epmdServer.PrimaryEndpoint.Property(EndpointProperty.Port), "-address", "127.0.0.1")
            .WithHealthCheck(builder.AddServerHealthCheck(epmdServer.Name, () => new TcpHealthCheck(epmdServer.PrimaryEndpoint)))
            .WithIconName("PlugConnected")
            .WithParentRelationship(node);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(node, (_, cancellationToken) => RabbitMQNode.PrepareAsync(node, cancellationToken));

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(node, async (_, cancellationToken) =>
            connectionString = await node.ConnectionStringExpression.GetValueAsync(cancellationToken));
        var check = builder.AddServerHealthCheck(name, () =>
            new AmqpHealthCheck(connectionString ?? throw new InvalidOperationException("The connection string is not available yet.")));

        var directory = node.DataDirectory;
        return builder.AddLocalServer(node, port, ServerProgram.Find(builder, ServerScript, "rabbitmq-server", "RabbitMQ server"))
            .WithEndpoint(LocalRabbitMQResource.DistributionEndpointName, endpoint =>
            {
                endpoint.IsProxied = false;
                endpoint.UriScheme = "tcp";
                endpoint.TargetHost = "127.0.0.1";
                endpoint.Protocol = ProtocolType.Tcp;
            })
            .WithEnvironment(context =>
            {
                var env = context.EnvironmentVariables;
                env["HOME"] = Path.Combine(directory, "home"); // the Erlang cookie lives here
                env["ERL_EPMD_PORT"] = epmd.Resource.PrimaryEndpoint.Property(EndpointProperty.Port);
                env["ERL_EPMD_ADDRESS"] = "127.0.0.1";
                env["RABBITMQ_NODENAME"] = "rabbit@localhost";
                env["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
                env["RABBITMQ_NODE_PORT"] = node.Port;
                env["RABBITMQ_DIST_PORT"] = node.DistributionEndpoint.Property(EndpointProperty.Port);
                // Only the interface we name; and never an epmd of the broker's own: when the epmd resource stops first
                // on shutdown, the VM would otherwise start `epmd -daemon`, which outlives everything.
                env["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false";
                env["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia");
                env["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log");
                env["RABBITMQ_CONFIG_FILE"] = RabbitMQNode.ConfigFile(node);
                env["RABBITMQ_ENABLED_PLUGINS_FILE"] = RabbitMQNode.PluginsFile(node);
                env["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(directory, "rabbitmq-env.conf");
                // With NOTIFY_SOCKET set, the rabbitmq-server script execs the Erlang VM instead of keeping a shell as its
                // parent, so the supervisor's child is the broker itself and its stop signal reaches it.
                env["NOTIFY_SOCKET"] = Path.Combine(directory, "notify.sock");
            })
            .WaitFor(epmd)
            .WithIconName("MailMultiple")
            .WithHealthCheck(check);
    }

    /// <summary>epmd answers TCP connections and nothing a client library would check.</summary>
    private sealed class TcpHealthCheck(EndpointReference endpoint) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
            return HealthCheckResult.Healthy();
        }
    }

    /// <summary>A real client's check: opens a fresh AMQP connection (3 s at most) and closes it.</summary>
    private sealed class AmqpHealthCheck(string connectionString) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var factory = new ConnectionFactory
            {
                Uri = new Uri(connectionString),
                AutomaticRecoveryEnabled = false,
                RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
                ClientProvidedName = "apphost-health",
            };
            try
            {
                await using var connection = await factory.CreateConnectionAsync(cancellationToken);
                await connection.CloseAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is global::RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or SocketException or TimeoutException)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, e.Message, e);
            }
        }
    }
}

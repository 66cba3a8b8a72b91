using System.Net.Sockets;
using HexProperty.Hosting.ApplicationModel;
using HexProperty.Hosting.Orchestration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace HexProperty.Hosting.RabbitMQ;

/// <summary>
/// Runs a RabbitMQ node as two supervised processes: its own epmd in the foreground (Erlang would otherwise
/// start a daemon epmd that outlives the broker), then the broker, configured entirely inside its data folder.
/// </summary>
internal sealed class RabbitMQDriver(RabbitMQServerResource resource, RunContext context) : IResourceDriver
{
    private const string PackageHint = "install the Debian package 'rabbitmq-server' (sudo apt-get install -y rabbitmq-server)";
    private const string NodeName = "rabbit@localhost";

    private int _epmdPort;
    private int _distributionPort;

    private string ResourceDirectory => context.ResourceDirectory(resource.Name);

    public IEnumerable<RequiredFile> RequiredFiles =>
    [
        new(context.Options.RabbitMQServerPath, $"RabbitMQ server ({context.Options.RabbitMQServerPath}) not found: {PackageHint}."),
        new(context.Options.EpmdPath, $"Erlang's epmd ({context.Options.EpmdPath}) not found: {PackageHint}."),
    ];

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        foreach (var folder in new[] { "mnesia", "log", "home" })
        {
            Directory.CreateDirectory(Path.Combine(ResourceDirectory, folder));
        }

        // Internal ports: stable for the whole run, so a restarted broker finds its epmd again.
        _epmdPort = PortAllocator.GetFreePort();
        _distributionPort = PortAllocator.GetFreePort();

        List<string> settings =
        [
            "# Written by the HexProperty AppHost at every start.",
            $"listeners.tcp.1 = {EndpointAnnotation.Host}:{resource.PrimaryEndpoint.GetAllocatedPort()}",
            // The user is created on the node's first boot only; its password lives in the data folder's secrets.
            $"default_user = {resource.UserName}",
            $"default_pass = {resource.PasswordParameter.Value}",
            "default_vhost = /",
            "loopback_users = none",
            "log.console = true",
            "log.console.level = warning",
            "log.file = false",
        ];
        if (resource.ManagementEndpoint is { } management)
        {
            settings.Add($"management.tcp.ip = {EndpointAnnotation.Host}");
            settings.Add($"management.tcp.port = {management.GetAllocatedPort()}");
        }

        var configFile = Path.Combine(ResourceDirectory, "rabbitmq.conf");
        await File.WriteAllTextAsync(configFile, string.Join('\n', settings) + "\n", cancellationToken);
        File.SetUnixFileMode(configFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(
            Path.Combine(ResourceDirectory, "enabled_plugins"),
            resource.ManagementEndpoint is null ? "[].\n" : "[rabbitmq_management].\n",
            cancellationToken);
    }

    public IReadOnlyList<ProcessSpec> CreateProcesses(int replica)
    {
        var environment = new Dictionary<string, string>(context.BaseEnvironment)
        {
            ["HOME"] = Path.Combine(ResourceDirectory, "home"), // the Erlang cookie lives here
            ["ERL_EPMD_PORT"] = Port(_epmdPort),
            ["ERL_EPMD_ADDRESS"] = EndpointAnnotation.Host,
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_PORT"] = Port(resource.PrimaryEndpoint.GetAllocatedPort()),
            ["RABBITMQ_DIST_PORT"] = Port(_distributionPort),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(ResourceDirectory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(ResourceDirectory, "log"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(ResourceDirectory, "rabbitmq.conf"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(ResourceDirectory, "enabled_plugins"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(ResourceDirectory, "rabbitmq-env.conf"),
            // With NOTIFY_SOCKET set, the rabbitmq-server script execs the Erlang VM instead of keeping a shell
            // as its parent, so the PID we hold is the broker's and the parent-death signal reaches it.
            ["NOTIFY_SOCKET"] = Path.Combine(ResourceDirectory, "notify.sock"),
        };

        return
        [
            new("epmd", context.Options.EpmdPath, ["-port", Port(_epmdPort), "-address", EndpointAnnotation.Host])
            {
                Environment = environment,
                WaitUntilStarted = ct => WaitForTcpAsync(_epmdPort, ct),
            },
            new("rabbitmq-server", context.Options.RabbitMQServerPath, [])
            {
                Environment = environment,
                WorkingDirectory = ResourceDirectory,
            },
        ];
    }

    public async Task<HealthCheckResult> CheckHealthAsync(int replica, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(resource.GetConnectionString()),
            AutomaticRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
            ClientProvidedName = "hexproperty-apphost-health",
        };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await connection.CloseAsync(cancellationToken);
        return HealthCheckResult.Healthy();
    }

    private static async Task WaitForTcpAsync(int port, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(EndpointAnnotation.Host, port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

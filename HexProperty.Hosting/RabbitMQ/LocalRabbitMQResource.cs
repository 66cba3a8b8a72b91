using Aspire.Hosting.ApplicationModel;

namespace HexProperty.Hosting.RabbitMQ;

/// <summary>A RabbitMQ node run from Debian's <c>rabbitmq-server</c> package, configured entirely inside its data folder.</summary>
public sealed class LocalRabbitMQResource(string name, string dataDirectory, ParameterResource password)
    : LocalServerResource(name, dataDirectory)
{
    public const string UserName = "guest";
    public const string DistributionEndpointName = "dist";

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>Set by the monitoring: the loopback port of the node's Prometheus endpoint (its rabbitmq_prometheus
    /// plugin); without it the node runs with no plugin.</summary>
    public int? MetricsPort { get; internal set; }

    /// <summary>The Erlang distribution port, which rabbitmqctl and other nodes talk to.</summary>
    public EndpointReference DistributionEndpoint => new(this, DistributionEndpointName);

    /// <summary>An AMQP URI, as Aspire's RabbitMQ resource gives it.</summary>
    protected override ReferenceExpression LocalConnectionString =>
        ReferenceExpression.Create($"amqp://{UserName}:{PasswordParameter:uri}@{Host}:{Port}");

    protected override IEnumerable<KeyValuePair<string, ReferenceExpression>> LocalConnectionProperties =>
    [
        new("Username", ReferenceExpression.Create($"{UserName}")),
        new("Password", ReferenceExpression.Create($"{PasswordParameter}")),
        new("Uri", LocalConnectionString),
    ];
}

/// <summary>Erlang's port mapper for the RabbitMQ node, in the foreground as a resource of its own (Erlang would otherwise
/// start a daemon that outlives the broker and the AppHost).</summary>
public sealed class EpmdResource(string name, string workingDirectory) : ExecutableResource(name, "/bin/bash", workingDirectory)
{
    public EndpointReference PrimaryEndpoint => new(this, LocalServerResource.PrimaryEndpointName);
}

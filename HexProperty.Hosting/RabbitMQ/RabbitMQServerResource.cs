using HexProperty.Hosting.ApplicationModel;
using HexProperty.Hosting.Orchestration;

namespace HexProperty.Hosting.RabbitMQ;

/// <summary>A RabbitMQ broker (with its own epmd) run from the Debian package, with a generated user.</summary>
public sealed class RabbitMQServerResource(string name, string userName, ParameterResource password)
    : Resource(name), IResourceWithConnectionString, IResourceWithEndpoints, IRunnableResource
{
    public override string DisplayType => "RabbitMQ";

    public string UserName { get; } = userName;

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointAnnotation PrimaryEndpoint { get; } = new("tcp", "tcp");

    /// <summary>The management UI and HTTP API, when <c>WithManagementPlugin()</c> enables it.</summary>
    public EndpointAnnotation? ManagementEndpoint { get; internal set; }

    public IReadOnlyList<EndpointAnnotation> Endpoints => ManagementEndpoint is null ? [PrimaryEndpoint] : [PrimaryEndpoint, ManagementEndpoint];

    /// <summary>An AMQP URI, as Aspire's RabbitMQ resource emits it.</summary>
    public string GetConnectionString() =>
        $"amqp://{UserName}:{Uri.EscapeDataString(PasswordParameter.Value)}@{EndpointAnnotation.Host}:{PrimaryEndpoint.GetAllocatedPort()}";

    public string ConnectionStringExpression =>
        $"amqp://{UserName}:{{{PasswordParameter.Name}.value}}@{{{Name}.bindings.tcp.host}}:{{{Name}.bindings.tcp.port}}";

    IResourceDriver IRunnableResource.CreateDriver(RunContext context) => new RabbitMQDriver(this, context);
}

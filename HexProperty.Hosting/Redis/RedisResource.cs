using HexProperty.Hosting.ApplicationModel;
using HexProperty.Hosting.Orchestration;

namespace HexProperty.Hosting.Redis;

/// <summary>A Redis server with a generated password and RDB snapshots in its data folder.</summary>
public sealed class RedisResource(string name, ParameterResource password)
    : Resource(name), IResourceWithConnectionString, IResourceWithEndpoints, IRunnableResource
{
    public override string DisplayType => "Redis";

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointAnnotation PrimaryEndpoint { get; } = new("tcp", "tcp");

    public IReadOnlyList<EndpointAnnotation> Endpoints => [PrimaryEndpoint];

    /// <summary>StackExchange.Redis configuration syntax, as Aspire's Redis resource emits it.</summary>
    public string GetConnectionString() =>
        $"{EndpointAnnotation.Host}:{PrimaryEndpoint.GetAllocatedPort()},password={PasswordParameter.Value}";

    public string ConnectionStringExpression =>
        $"{{{Name}.bindings.tcp.host}}:{{{Name}.bindings.tcp.port}},password={{{PasswordParameter.Name}.value}}";

    IResourceDriver IRunnableResource.CreateDriver(RunContext context) => new RedisDriver(this, context);
}

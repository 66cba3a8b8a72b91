using HexProperty.Hosting.ApplicationModel;
using HexProperty.Hosting.Orchestration;

namespace HexProperty.Hosting.Postgres;

/// <summary>A PostgreSQL server run from the Debian package's binaries, with password (SCRAM) authentication.</summary>
public sealed class PostgresServerResource(string name, ParameterResource password)
    : Resource(name), IResourceWithConnectionString, IResourceWithEndpoints, IRunnableResource
{
    public const string UserName = "postgres";

    public override string DisplayType => "PostgreSQL";

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointAnnotation PrimaryEndpoint { get; } = new("tcp", "tcp");

    public IReadOnlyList<EndpointAnnotation> Endpoints => [PrimaryEndpoint];

    internal List<PostgresDatabaseResource> Databases { get; } = [];

    public string GetConnectionString() =>
        $"Host={EndpointAnnotation.Host};Port={PrimaryEndpoint.GetAllocatedPort()};Username={UserName};Password={PasswordParameter.Value}";

    public string ConnectionStringExpression =>
        $"Host={{{Name}.bindings.tcp.host}};Port={{{Name}.bindings.tcp.port}};Username={UserName};Password={{{PasswordParameter.Name}.value}}";

    IResourceDriver IRunnableResource.CreateDriver(RunContext context) => new PostgresServerDriver(this, context);
}

using HexProperty.Hosting.ApplicationModel;
using HexProperty.Hosting.Orchestration;

namespace HexProperty.Hosting.Postgres;

/// <summary>A database on a PostgreSQL server, created when the server first becomes ready.</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource parent)
    : Resource(name), IResourceWithConnectionString, IResourceWithParent, IRunnableResource
{
    public override string DisplayType => "Database";

    public string DatabaseName { get; } = databaseName;

    public PostgresServerResource Parent { get; } = parent;

    IResource IResourceWithParent.Parent => Parent;

    public string GetConnectionString() => $"{Parent.GetConnectionString()};Database={DatabaseName}";

    public string ConnectionStringExpression => $"{{{Parent.Name}.connectionString}};Database={DatabaseName}";

    IResourceDriver IRunnableResource.CreateDriver(RunContext context) => new PostgresDatabaseDriver(this);
}

using HexProperty.Hosting.ApplicationModel;

namespace HexProperty.Hosting.Postgres;

public static class PostgresBuilderExtensions
{
    /// <summary>Adds a PostgreSQL server; its password is generated on first start and kept in the data folder.</summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        var password = builder.AddParameter($"{name}-password", secret: true);
        var server = new PostgresServerResource(name, password.Resource);
        server.PrimaryEndpoint.Port = port;
        return builder.AddResource(server);
    }

    /// <summary>Adds a database on the server; projects that reference it get <c>ConnectionStrings__name</c>.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<PostgresServerResource> server, string name, string? databaseName = null)
    {
        var database = new PostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        database.WaitsFor.Add(server.Resource);
        server.Resource.Databases.Add(database);
        return server.ApplicationBuilder.AddResource(database);
    }
}

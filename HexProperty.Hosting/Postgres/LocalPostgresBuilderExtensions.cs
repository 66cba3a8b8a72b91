using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using HealthChecks.NpgSql;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HexProperty.Hosting.Postgres;

public static class LocalPostgresBuilderExtensions
{
    /// <summary>
    /// Adds a PostgreSQL server run from Debian's binaries (the newest /usr/lib/postgresql/N), with a generated
    /// password kept in the AppHost's user secrets and its cluster in the data root. Projects that reference it, or a
    /// database on it, get <c>ConnectionStrings__name</c> as from Aspire's <c>AddPostgres</c>; <c>WaitFor</c> waits until
    /// <c>select 1</c> succeeds. In publish mode it is Aspire's PostgreSQL container resource.
    /// </summary>
    public static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true, persist: true);
        if (builder.ExecutionContext.IsPublishMode)
        {
            var container = builder.AddPostgres(name, password: password, port: port).WithDataVolume();
            return builder.CreateResourceBuilder(new LocalPostgresResource(name, "", password.Resource) { PublishedAs = container.Resource });
        }

        var binDirectory = PostgresCluster.FindBinDirectory();
        var postgres = ServerProgram.Find(builder, Path.Combine(binDirectory, "postgres"), "postgresql", "PostgreSQL server");
        var initdb = ServerProgram.Find(builder, Path.Combine(binDirectory, "initdb"), "postgresql", "PostgreSQL's initdb");
        var server = new LocalPostgresResource(name, LocalServers.Root(builder).ServerDirectory(name), password.Resource);
        builder.RequirePrograms(initdb);
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (@event, cancellationToken) =>
        {
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            await new PostgresCluster(server, postgres.Path, initdb.Path, logger).PrepareAsync(cancellationToken);
        });
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (@event, cancellationToken) =>
        {
            foreach (var database in server.Databases)
            {
                await CreateDatabaseAsync(database, cancellationToken);
                await @event.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database, s => s with
                {
                    State = KnownResourceStates.Running,
                    StartTimeStamp = DateTime.UtcNow,
                    StopTimeStamp = null,
                });
            }
        });

        var check = AddNpgsqlHealthCheck(builder, name, server, "postgres");
        return builder.AddLocalServer(server, port, postgres,
                stopSignal: "INT", // fast shutdown: roll back open transactions, checkpoint, exit (TERM waits for clients)
                runAs: PostgresCluster.RunAs)
            .WithArgs("-D", server.ClusterDirectory, "-p", server.Port)
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(check);
    }

    /// <summary>
    /// Adds a database on the server, created when the server is first ready; projects that reference it get
    /// <c>ConnectionStrings__name</c> with <c>Database=databaseName</c>, and <c>WaitFor</c> waits until it answers.
    /// </summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresResource> server, string name, string? databaseName = null)
    {
        var builder = server.ApplicationBuilder;
        var database = new LocalPostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        if (server.Resource.PublishedAs is PostgresServerResource container)
        {
            database.PublishedAs = builder.CreateResourceBuilder(container).AddDatabase(name, databaseName).Resource;
            return builder.CreateResourceBuilder(database);
        }

        server.Resource.Databases.Add(database);
        builder.Eventing.Subscribe<ResourceStoppedEvent>(database, (@event, _) =>
            @event.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database, s => s with
            {
                State = KnownResourceStates.Exited,
                StopTimeStamp = DateTime.UtcNow,
            }));
        var check = AddNpgsqlHealthCheck(builder, name, database, database.DatabaseName);
        return builder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [new(CustomResourceKnownProperties.Source, server.Resource.Name)],
            })
            .WithIconName("Database")
            .WithHealthCheck(check);
    }

    /// <summary>
    /// Adds a hot standby of the server, streaming from it: a base backup taken when the standby first starts (after
    /// the primary is ready), kept current by streaming replication, read-only. Its connection string is the primary's
    /// with the standby's port. In publish mode there is none: a deployment uses its database service's read replicas.
    /// </summary>
    public static IResourceBuilder<LocalPostgresStandbyResource> AddStandby(this IResourceBuilder<LocalPostgresResource> primary, string name, int? port = null)
    {
        var builder = primary.ApplicationBuilder;
        if (primary.Resource.PublishedAs is not null)
        {
            return builder.CreateResourceBuilder(new LocalPostgresStandbyResource(name, "", primary.Resource) { PublishedAs = primary.Resource.PublishedAs });
        }

        var binDirectory = PostgresCluster.FindBinDirectory();
        var postgres = ServerProgram.Find(builder, Path.Combine(binDirectory, "postgres"), "postgresql", "PostgreSQL server");
        builder.RequirePrograms(ServerProgram.Find(builder, Path.Combine(binDirectory, "pg_basebackup"), "postgresql", "PostgreSQL's pg_basebackup"));
        var standby = new LocalPostgresStandbyResource(name, LocalServers.Root(builder).ServerDirectory(name), primary.Resource);
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(standby, async (@event, cancellationToken) =>
        {
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(standby);
            // The base backup needs the primary answering (this may run before the orchestrator's own WaitFor).
            await @event.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceHealthyAsync(primary.Resource.Name, cancellationToken);
            await new PostgresStandby(standby, binDirectory, logger).PrepareAsync(cancellationToken);
        });

        var check = AddNpgsqlHealthCheck(builder, name, standby, "postgres");
        return builder.AddLocalServer(standby, port, postgres, stopSignal: "INT", runAs: PostgresCluster.RunAs)
            .WithArgs("-D", standby.ClusterDirectory, "-p", standby.Port)
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(check)
            .WaitFor(primary);
    }

    /// <summary>
    /// Adds the connection string <paramref name="name"/> for reads that tolerate a little lag: the standby first, then
    /// the primary, with <c>Target Session Attributes=prefer-standby</c>, so Npgsql reads from the standby and falls back
    /// to the primary while the standby is down. In publish mode it is the database's own connection string.
    /// </summary>
    public static IResourceBuilder<ConnectionStringResource> AddReadsConnectionString(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<LocalPostgresDatabaseResource> database, IResourceBuilder<LocalPostgresStandbyResource> standby)
    {
        if (database.Resource.PublishedAs is not null)
        {
            return builder.AddConnectionString(name, ReferenceExpression.Create($"{database.Resource}"));
        }

        var (primary, replica) = (database.Resource.Parent, standby.Resource);
        return builder.AddConnectionString(name, ReferenceExpression.Create(
            $"Host={replica.Host}:{replica.Port},{primary.Host}:{primary.Port};Username={LocalPostgresResource.UserName};Password={primary.PasswordParameter};" +
            $"Database={database.Resource.DatabaseName};Target Session Attributes=prefer-standby"));
    }

    /// <summary>A real client's check, as Aspire's: a fresh, unpooled connection that runs <c>select 1</c>.</summary>
    private static string AddNpgsqlHealthCheck(IDistributedApplicationBuilder builder, string resourceName, IResourceWithConnectionString resource, string database)
    {
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, cancellationToken) =>
            connectionString = new NpgsqlConnectionStringBuilder(await resource.GetConnectionStringAsync(cancellationToken))
            {
                Database = database,
                Pooling = false,
                Timeout = 3,
            }.ConnectionString);
        return builder.AddServerHealthCheck(resourceName, () =>
            new NpgSqlHealthCheck(new NpgSqlHealthCheckOptions(connectionString ?? throw new InvalidOperationException("The connection string is not available yet."))));
    }

    private static async Task CreateDatabaseAsync(LocalPostgresDatabaseResource database, CancellationToken cancellationToken)
    {
        var server = new NpgsqlConnectionStringBuilder(await database.Parent.ConnectionStringExpression.GetValueAsync(cancellationToken))
        {
            Database = "postgres",
            Pooling = false,
        };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection);
        exists.Parameters.AddWithValue(database.DatabaseName);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            // Identifiers cannot be parameters; the name is quoted with embedded quotes doubled.
            var quoted = "\"" + database.DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand($"create database {quoted}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

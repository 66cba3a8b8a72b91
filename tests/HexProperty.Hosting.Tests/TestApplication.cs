using HexProperty.Hosting.ApplicationModel;
using HexProperty.Hosting.Orchestration;
using HexProperty.Hosting.Postgres;
using HexProperty.Hosting.Projects;
using HexProperty.Hosting.RabbitMQ;
using HexProperty.Hosting.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace HexProperty.Hosting.Tests;

/// <summary>The HexProperty application model, declared as the AppHost declares it, with ports and secrets set by hand.</summary>
internal sealed class TestApplication : IDisposable
{
    public sealed class ApiProject : IProjectMetadata
    {
        public string ProjectPath => "/repo/HexProperty.Api/HexProperty.Api.csproj";

        public string AssemblyPath => "/repo/HexProperty.Api/bin/Debug/net10.0/HexProperty.Api.dll";
    }

    public sealed class WebProject : IProjectMetadata
    {
        public string ProjectPath => "/repo/HexProperty.Web/HexProperty.Web.csproj";

        public string AssemblyPath => "/repo/HexProperty.Web/bin/Debug/net10.0/HexProperty.Web.dll";
    }

    private readonly TemporaryFolder _folder = new();

    public TestApplication(int apiReplicas = 1, AppHostOptions? options = null)
    {
        var builder = DistributedApplication.CreateBuilder([]);
        Postgres = builder.AddPostgres("postgres");
        Database = Postgres.AddDatabase("hexdb");
        Cache = builder.AddRedis("cache");
        Messaging = builder.AddRabbitMQ("messaging");
        Api = builder.AddProject<ApiProject>("api").WithReplicas(apiReplicas)
            .WithReference(Database).WaitFor(Database)
            .WithReference(Cache).WaitFor(Cache)
            .WithReference(Messaging).WaitFor(Messaging)
            .WithHttpHealthCheck("/health");
        Web = builder.AddProject<WebProject>("web").WithExternalHttpEndpoints().WithReference(Api).WaitFor(Api).WithHttpHealthCheck("/health");
        Model = new DistributedApplicationModel([.. builder.Resources.Cast<Resource>()], "/repo");

        var port = 41000;
        foreach (var endpoint in Model.Resources.OfType<IResourceWithEndpoints>().SelectMany(r => r.Endpoints))
        {
            var replicas = Model.Resources.OfType<ProjectResource>().FirstOrDefault(p => p.Endpoints.Contains(endpoint))?.Replicas ?? 1;
            for (var i = 0; i < replicas; i++)
            {
                endpoint.AllocatedPorts.Add(port++);
            }
        }

        foreach (var parameter in Model.Resources.OfType<ParameterResource>())
        {
            parameter.SetValue($"secret-of-{parameter.Name}");
        }

        Folder = DataFolder.Acquire(_folder.Path, clean: false);
        Context = new RunContext(Folder, new ConfigurationBuilder().Build(), NullLoggerFactory.Instance, options ?? new AppHostOptions());
    }

    public IResourceBuilder<PostgresServerResource> Postgres { get; }

    public IResourceBuilder<PostgresDatabaseResource> Database { get; }

    public IResourceBuilder<RedisResource> Cache { get; }

    public IResourceBuilder<RabbitMQServerResource> Messaging { get; }

    public IResourceBuilder<ProjectResource> Api { get; }

    public IResourceBuilder<ProjectResource> Web { get; }

    public DistributedApplicationModel Model { get; }

    public DataFolder Folder { get; }

    public RunContext Context { get; }

    public IReadOnlyDictionary<string, string> EnvironmentOf(ProjectResource project, int replica = 0) =>
        new ProjectDriver(project, Context).Environment(replica);

    public void Dispose()
    {
        Folder.Dispose();
        _folder.Dispose();
    }
}

internal sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("hexproperty-test-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

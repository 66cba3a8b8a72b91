using System.Text.Json;
using System.Text.Json.Nodes;
using HexProperty.Hosting.ApplicationModel;
using HexProperty.Hosting.Postgres;
using HexProperty.Hosting.Projects;
using HexProperty.Hosting.RabbitMQ;
using HexProperty.Hosting.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HexProperty.Hosting.Publishing;

/// <summary>
/// Writes the application as an Aspire manifest (<c>--publisher manifest --output-path aspire-manifest.json</c>):
/// servers as the containers a deployment target would run, databases as connection-string values, projects
/// with their environment contract, and generated passwords as secret parameters. Then the AppHost exits.
/// </summary>
internal sealed class ManifestPublisher(
    DistributedApplicationModel model, IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<ManifestPublisher> logger) : IHostedService
{
    public const string SchemaUrl = "https://json.schemastore.org/aspire-8.0.json";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var outputPath = Path.GetFullPath(configuration["Publishing:OutputPath"] ?? "aspire-manifest.json");
        Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
        var manifest = Write(model, Path.GetDirectoryName(outputPath)!);
        await File.WriteAllTextAsync(outputPath, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken);
        logger.LogInformation("Wrote the manifest to {Path}", outputPath);
        lifetime.StopApplication();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static JsonObject Write(DistributedApplicationModel model, string manifestDirectory)
    {
        var resources = new JsonObject();
        var parameters = new List<ParameterResource>();
        foreach (var resource in model.Resources)
        {
            switch (resource)
            {
                case ParameterResource:
                    break; // written after the resources that use them, as Aspire does
                case PostgresServerResource postgres:
                    resources[postgres.Name] = Container(postgres, "docker.io/library/postgres:15", new JsonObject
                    {
                        ["POSTGRES_HOST_AUTH_METHOD"] = "scram-sha-256",
                        ["POSTGRES_INITDB_ARGS"] = "--auth-host=scram-sha-256 --auth-local=scram-sha-256",
                        ["POSTGRES_USER"] = PostgresServerResource.UserName,
                        ["POSTGRES_PASSWORD"] = Value(postgres.PasswordParameter),
                    }, (postgres.PrimaryEndpoint, 5432));
                    parameters.Add(postgres.PasswordParameter);
                    break;
                case PostgresDatabaseResource database:
                    resources[database.Name] = new JsonObject { ["type"] = "value.v0", ["connectionString"] = database.ConnectionStringExpression };
                    break;
                case RedisResource redis:
                    var redisContainer = Container(redis, "docker.io/library/redis:7.0", new JsonObject { ["REDIS_PASSWORD"] = Value(redis.PasswordParameter) }, (redis.PrimaryEndpoint, 6379));
                    redisContainer["entrypoint"] = "/bin/sh";
                    redisContainer["args"] = new JsonArray("-c", "redis-server --requirepass $REDIS_PASSWORD --save 60 1");
                    resources[redis.Name] = redisContainer;
                    parameters.Add(redis.PasswordParameter);
                    break;
                case RabbitMQServerResource rabbit:
                    var endpoints = rabbit.ManagementEndpoint is { } management
                        ? new[] { (rabbit.PrimaryEndpoint, 5672), (management, 15672) }
                        : [(rabbit.PrimaryEndpoint, 5672)];
                    resources[rabbit.Name] = Container(
                        rabbit,
                        rabbit.ManagementEndpoint is null ? "docker.io/library/rabbitmq:3.10" : "docker.io/library/rabbitmq:3.10-management",
                        new JsonObject { ["RABBITMQ_DEFAULT_USER"] = rabbit.UserName, ["RABBITMQ_DEFAULT_PASS"] = Value(rabbit.PasswordParameter) },
                        endpoints);
                    parameters.Add(rabbit.PasswordParameter);
                    break;
                case ProjectResource project:
                    resources[project.Name] = Project(project, manifestDirectory);
                    break;
                default:
                    resources[resource.Name] = new JsonObject { ["error"] = "This resource does not support generation in the manifest." };
                    break;
            }
        }

        foreach (var parameter in parameters.Distinct())
        {
            resources[parameter.Name] = Parameter(parameter);
        }

        return new JsonObject { ["$schema"] = SchemaUrl, ["resources"] = resources };
    }

    private static JsonObject Container(
        IResourceWithConnectionString resource, string image, JsonObject environment, params (EndpointAnnotation Endpoint, int TargetPort)[] endpoints)
    {
        var bindings = new JsonObject();
        foreach (var (endpoint, targetPort) in endpoints)
        {
            bindings[endpoint.Name] = new JsonObject
            {
                ["scheme"] = endpoint.Scheme,
                ["protocol"] = "tcp",
                ["transport"] = endpoint.Scheme == "http" ? "http" : "tcp",
                ["targetPort"] = targetPort,
            };
        }

        return new JsonObject
        {
            ["type"] = "container.v0",
            ["connectionString"] = resource.ConnectionStringExpression,
            ["image"] = image,
            ["env"] = environment,
            ["bindings"] = bindings,
        };
    }

    private static JsonObject Project(ProjectResource project, string manifestDirectory)
    {
        var environment = new JsonObject
        {
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory",
            ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true",
            ["HTTP_PORTS"] = $"{{{project.Name}.bindings.http.targetPort}}",
        };
        foreach (var variable in ReferenceEnvironment.For(project).Where(v => v.Expression is not null))
        {
            environment[variable.Name] = variable.Expression;
        }

        var http = new JsonObject { ["scheme"] = "http", ["protocol"] = "tcp", ["transport"] = "http" };
        if (project.HttpEndpoint.IsExternal)
        {
            http["external"] = true;
        }

        return new JsonObject
        {
            ["type"] = "project.v0",
            ["path"] = Path.GetRelativePath(manifestDirectory, project.Metadata.ProjectPath).Replace('\\', '/'),
            ["env"] = environment,
            ["bindings"] = new JsonObject { ["http"] = http },
        };
    }

    private static JsonObject Parameter(ParameterResource parameter) => new()
    {
        ["type"] = "parameter.v0",
        ["value"] = $"{{{parameter.Name}.inputs.value}}",
        ["inputs"] = new JsonObject
        {
            ["value"] = new JsonObject
            {
                ["type"] = "string",
                ["secret"] = parameter.Secret,
                ["default"] = new JsonObject { ["generate"] = new JsonObject { ["minLength"] = parameter.MinLength, ["special"] = false } },
            },
        },
    };

    private static string Value(ParameterResource parameter) => $"{{{parameter.Name}.value}}";
}

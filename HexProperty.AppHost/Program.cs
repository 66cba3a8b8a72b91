using HexProperty.Hosting;
using HexProperty.Hosting.ApplicationModel;
using HexProperty.Hosting.Postgres;
using HexProperty.Hosting.Projects;
using HexProperty.Hosting.RabbitMQ;
using HexProperty.Hosting.Redis;

var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres");
var hexdb = postgres.AddDatabase("hexdb");
var cache = builder.AddRedis("cache");
var messaging = builder.AddRabbitMQ("messaging");

// The Worker writes export files and .eml mail where the Api can serve them: one folder of the run's data.
void SharedFiles(EnvironmentContext context)
{
    context.Variables["Exports__Path"] = Path.Combine(context.DataPath, "exports");
    context.Variables["Email__PickupFolder"] = Path.Combine(context.DataPath, "mail");
}

var api = builder.AddProject<Projects.HexProperty_Api>("api")
    .WithReference(hexdb).WaitFor(hexdb)
    .WithReference(cache).WaitFor(cache)
    .WithReference(messaging).WaitFor(messaging)
    .WithEnvironment(SharedFiles)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.HexProperty_Worker>("worker")
    .WithReference(hexdb).WaitFor(hexdb)
    .WithReference(cache).WaitFor(cache)
    .WithReference(messaging).WaitFor(messaging)
    .WithReference(api).WaitFor(api) // the Api applies the database migrations
    .WithEnvironment(SharedFiles)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.HexProperty_Web>("web")
    .WithExternalHttpEndpoints()
    .WithReference(api).WaitFor(api)
    // Web replicas share the keys that encrypt staff and guest cookies and antiforgery tokens.
    .WithEnvironment(context => context.Variables["DataProtection__KeysPath"] = Path.Combine(context.DataPath, "web-keys"))
    .WithHttpHealthCheck("/health");

builder.Build().Run();

/// <summary>The AppHost's entry point, public so tests can start this application model.</summary>
public partial class Program;

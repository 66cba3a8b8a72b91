using HexProperty.Hosting;
using HexProperty.Hosting.Postgres;
using HexProperty.Hosting.RabbitMQ;
using HexProperty.Hosting.Redis;

var builder = DistributedApplication.CreateBuilder(LocalServers.ExpandArguments(args));

// No container engine here: the servers run from Debian's binaries (eng/setup.sh installs them); in publish mode they
// are Aspire's PostgreSQL, Redis and RabbitMQ containers.
var hexdb = builder.AddLocalPostgres("postgres").AddDatabase("hexdb");
var cache = builder.AddLocalRedis("cache");
var messaging = builder.AddLocalRabbitMQ("messaging");

// The schema is applied once per start, before anything that reads it.
var migrations = builder.AddProject<Projects.HexProperty_Migrations>("migrations")
    .WithReference(hexdb).WaitFor(hexdb);

var api = builder.AddProject<Projects.HexProperty_Api>("api")
    .WithReference(hexdb).WaitForCompletion(migrations)
    .WithReference(cache).WaitFor(cache)
    .WithReference(messaging) // only to show queue depths to operators: it serves guests while the broker boots
    .WithHttpHealthCheck("/health");
api.WithUrl($"{api.GetEndpoint("http")}/scalar", "API reference"); // Scalar, reading the Api's OpenAPI document

var worker = builder.AddProject<Projects.HexProperty_Worker>("worker")
    .WithReference(hexdb).WaitForCompletion(migrations)
    .WithReference(cache).WaitFor(cache)
    .WithReference(messaging).WaitFor(messaging)
    .WithReference(api) // warms the Api's caches; it does not wait for it
    .WithHttpHealthCheck("/health");

var web = builder.AddProject<Projects.HexProperty_Web>("web")
    .WithExternalHttpEndpoints()
    .WithReference(api).WaitFor(api)
    .WithHttpHealthCheck("/health");

if (builder.ExecutionContext.IsRunMode)
{
    // The Worker writes export files and .eml mail where the Api serves them; Web replicas share the keys that protect
    // cookies and antiforgery tokens. A deployment gives these folders its own shared storage.
    var files = builder.DataRootPath();
    api.WithEnvironment("Exports__Path", Path.Combine(files, "exports"));
    worker.WithEnvironment("Exports__Path", Path.Combine(files, "exports"))
        .WithEnvironment("Email__PickupFolder", Path.Combine(files, "mail"));
    web.WithEnvironment("DataProtection__KeysPath", Path.Combine(files, "web-keys"));

    // The services export to the dashboard on loopback, which stops before them: with the exporter's default 10 s
    // timeout, a stopping service waited that long on its last export (the whole stop took 9.5 s; 6.5 s with this).
    foreach (var project in new[] { migrations, api, worker, web })
    {
        project.WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "2000");
    }
}

builder.RunProjectsFromBuildOutput();
builder.AddStartupSummary();

builder.Build().Run();

using HexProperty.Hosting;
using HexProperty.Hosting.Balancing;
using HexProperty.Hosting.Monitoring;
using HexProperty.Hosting.Postgres;
using HexProperty.Hosting.RabbitMQ;
using HexProperty.Hosting.Redis;

var builder = DistributedApplication.CreateBuilder(LocalServers.ExpandArguments(args));

// No container engine here: the servers run from Debian's binaries (eng/setup.sh installs them); in publish mode they
// are Aspire's PostgreSQL, Redis and RabbitMQ containers.
var postgres = builder.AddLocalPostgres("postgres");
var hexdb = postgres.AddDatabase("hexdb");
// A hot standby streaming from the primary; reads that tolerate a little lag go to it, and to the primary while it is down.
var hexdbReads = builder.AddReadsConnectionString("hexdb-reads", hexdb, postgres.AddStandby("postgres-standby"));
var cache = builder.AddLocalRedis("cache");
var messaging = builder.AddLocalRabbitMQ("messaging");

// The schema is applied once per start, before anything that reads it.
var migrations = builder.AddProject<Projects.HexProperty_Migrations>("migrations")
    .WithReference(hexdb).WaitFor(hexdb);

// In run mode the Worker writes export files and .eml mail where the Api replicas serve them, and the Web replicas share
// the keys that protect cookies and antiforgery tokens; a deployment gives these folders its own shared storage.
var files = builder.ExecutionContext.IsRunMode ? builder.DataRootPath() : null;

// The Api and the site run as replicas behind HAProxy (Balancing:{name} in appsettings.json sets how many and how they
// are balanced); "api" and "web" are the balancers, the way in for the other resources, the tests and the developer.
// A replica that comes back takes its full share over a minute: at full load a cold one (empty caches and pools, its
// code not yet compiled) given half the requests at once answered in seconds for its first minute (bench/README.md).
var coldReplicaRamp = TimeSpan.FromMinutes(1);
var api = builder.AddBalancedProject<Projects.HexProperty_Api>("api", replica =>
    {
        replica.WithReference(hexdb).WaitForCompletion(migrations)
            .WithReference(hexdbReads) // not waited for: without the standby, reads go to the primary
            .WithReference(cache).WaitFor(cache)
            .WithReference(messaging) // only to show queue depths to operators: it serves guests while the broker boots
            .WithHttpHealthCheck("/health");
        if (files is not null)
        {
            replica.WithEnvironment("Exports__Path", Path.Combine(files, "exports"));
        }
    },
    settings =>
    {
        settings.CacheMegabytes = 64; // the edge cache for anonymous reads (the seeds' CDN layer)
        settings.SlowStart = coldReplicaRamp;
    });
api.WithUrl($"{api.Resource.GetEndpoint("http")}/scalar", "API reference"); // Scalar, reading the Api's OpenAPI document

var worker = builder.AddProject<Projects.HexProperty_Worker>("worker")
    .WithReference(hexdb).WaitForCompletion(migrations)
    .WithReference(hexdbReads)
    .WithReference(cache).WaitFor(cache)
    .WithReference(messaging).WaitFor(messaging)
    .WithReference(api) // warms the Api's caches; it does not wait for it
    .WithHttpHealthCheck("/health");
if (files is not null)
{
    worker.WithEnvironment("Exports__Path", Path.Combine(files, "exports"))
        .WithEnvironment("Email__PickupFolder", Path.Combine(files, "mail"));
}

builder.AddBalancedProject<Projects.HexProperty_Web>("web", replica =>
    {
        replica.WithReference(api).WaitFor(api).WithHttpHealthCheck("/health");
        if (files is not null)
        {
            replica.WithEnvironment("DataProtection__KeysPath", Path.Combine(files, "web-keys"));
        }
    },
    settings =>
    {
        settings.StickyFor = TimeSpan.FromHours(1); // a form or a circuit stays on the replica that began it
        // Photos and static files are the same on every replica: never pinned, never marked private by the cookie.
        settings.AnyReplicaPaths = ["/photos/", "/_framework/", "/_content/", ".css", ".js", ".svg"];
        settings.SlowStart = coldReplicaRamp;
    })
    .WithExternalHttpEndpoints();

if (builder.ExecutionContext.IsRunMode)
{
    // The services export to the dashboard on loopback, which stops before them: with the exporter's default 10 s
    // timeout, a stopping service waited that long on its last export (the whole stop took 9.5 s; 6.5 s with this).
    foreach (var project in builder.Resources.OfType<ProjectResource>())
    {
        builder.CreateResourceBuilder(project).WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "2000");
    }
}

// Prometheus scrapes everything above (each replica on a port of its own), its rules (monitoring/*.rules.yml) alert
// through Alertmanager, and the Api stores the alerts for the operations page, which charts Prometheus' series.
builder.AddLocalMonitoring(Path.Combine(builder.AppHostDirectory, "monitoring"), alertStore: api);

builder.RunProjectsFromBuildOutput();
builder.AddStartupSummary();

builder.Build().Run();

using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using HexProperty.Hosting;
using HexProperty.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using StackExchange.Redis;

namespace HexProperty.AppHost.Tests;

[Collection(PlatformCollection.Name)]
public sealed partial class PlatformTests(PlatformFixture platform)
{
    private DistributedApplication App => platform.App;

    [Fact]
    public async Task Every_resource_runs_healthy_the_migration_step_finished_once_and_health_answers_tell_anonymous_callers_nothing_more()
    {
        foreach (var name in PlatformFixture.Resources)
        {
            Assert.All(platform.Instances(name), i => Assert.True(
                i.Snapshot.State?.Text == KnownResourceStates.Running && i.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
                $"{i.ResourceId} is {i.Snapshot.State?.Text}/{i.Snapshot.HealthStatus}"));
        }

        var migrations = Assert.Single(platform.Instances("migrations"));
        Assert.Equal(KnownResourceStates.Finished, migrations.Snapshot.State?.Text);
        Assert.Equal(0, migrations.Snapshot.ExitCode);

        // Other tests of this fixture kill servers and replicas, and a service's own /health can say Unhealthy for a
        // moment after a dependency came back, before Aspire's next poll: wait for the answer, and say what it was.
        foreach (var service in new[] { "api", "worker", "web" })
        {
            using var client = App.CreateHttpClient(service);
            var last = "";
            await Eventually.TrueAsync(async () =>
            {
                using var health = await client.GetAsync("/health");
                last = $"{(int)health.StatusCode} {await health.Content.ReadAsStringAsync()}";
                return last == "200 Healthy";
            }, () => $"{service} /health answered {last}", TimeSpan.FromSeconds(60));
        }
    }

    [Fact]
    public async Task Projects_get_the_Aspire_environment_contract()
    {
        var api = PlatformFixture.ReplicaNames("api", PlatformFixture.ApiReplicas).Select(n => PlatformFixture.Environment(platform.Instances(n).Single())).ToList();
        var worker = PlatformFixture.Environment(platform.Instances("worker").Single());
        var web = PlatformFixture.Environment(platform.Instances("web-1").Single());

        Assert.Equal(await App.GetConnectionStringAsync("hexdb"), api[0]["ConnectionStrings__hexdb"]);
        Assert.Equal(await App.GetConnectionStringAsync("cache"), api[0]["ConnectionStrings__cache"]);
        Assert.Equal(await App.GetConnectionStringAsync("messaging"), worker["ConnectionStrings__messaging"]);
        Assert.Equal("hexdb", api[0]["HEXDB_DATABASENAME"]); // the connection properties Aspire's own PostgreSQL integration gives
        Assert.Equal("api-1", api[0]["OTEL_SERVICE_NAME"]);
        Assert.NotEqual(api[0]["OTEL_RESOURCE_ATTRIBUTES"], api[1]["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.NotEqual(api[0]["ASPNETCORE_URLS"], api[1]["ASPNETCORE_URLS"]);
        Assert.Equal(App.GetEndpoint("api").ToString().TrimEnd('/'), web["services__api__http__0"]?.TrimEnd('/'));
        Assert.StartsWith("http://", web["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.StartsWith("x-otlp-api-key=", web["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.False(web.ContainsKey("ConnectionStrings__hexdb"), "the web references only the api");
        Assert.Equal(await App.GetConnectionStringAsync("hexdb"), PlatformFixture.Environment(platform.Instances("migrations").Single())["ConnectionStrings__hexdb"]);
    }

    [Fact]
    public async Task Connection_strings_reach_the_real_servers_and_their_credentials_are_enforced()
    {
        var database = (await App.GetConnectionStringAsync("hexdb"))!;
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select count(*) from schema_migrations", connection);
            Assert.True((long)(await command.ExecuteScalarAsync())! > 0, "the migration step applied the schema");
        }

        var wrongPassword = new NpgsqlConnectionStringBuilder(database) { Password = "not-the-password" }.ConnectionString;
        var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var connection = new NpgsqlConnection(wrongPassword);
            await connection.OpenAsync();
        });
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);

        var cache = (await App.GetConnectionStringAsync("cache"))!;
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(cache))
        {
            Assert.True(await redis.GetDatabase().PingAsync() < TimeSpan.FromSeconds(5));
        }

        // Without the password the server itself refuses: asked over plain RESP, so no client library interprets it.
        var endpoint = cache.Split(',')[0].Split(':');
        using (var anonymous = new System.Net.Sockets.TcpClient())
        {
            await anonymous.ConnectAsync(endpoint[0], int.Parse(endpoint[1], System.Globalization.CultureInfo.InvariantCulture));
            var stream = anonymous.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[256];
            Assert.StartsWith("-NOAUTH", System.Text.Encoding.ASCII.GetString(buffer, 0, await stream.ReadAsync(buffer)), StringComparison.Ordinal);
        }

        var messaging = new Uri((await App.GetConnectionStringAsync("messaging"))!);
        await using (var broker = await new ConnectionFactory { Uri = messaging }.CreateConnectionAsync())
        {
            Assert.True(broker.IsOpen);
        }

        var wrongBroker = new UriBuilder(messaging) { Password = "not-the-password" }.Uri;
        await Assert.ThrowsAsync<BrokerUnreachableException>(() => new ConnectionFactory { Uri = wrongBroker }.CreateConnectionAsync());
    }

    [Fact]
    public async Task A_page_request_is_one_trace_from_the_web_through_the_api_to_the_database()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var client = App.CreateHttpClient("web");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/status");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        using var response = await client.SendAsync(request);
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(traceId, ApiTrace().Match(page).Groups[1].Value);
        var webServer = await platform.Telemetry.SpanAsync(traceId, s => s.Resource.StartsWith("web-", StringComparison.Ordinal) && s.Kind == "Server");
        var webClient = await platform.Telemetry.SpanAsync(traceId, s => s.Resource.StartsWith("web-", StringComparison.Ordinal) && s.Kind == "Client");
        var apiServer = await platform.Telemetry.SpanAsync(traceId, s => s.Resource.StartsWith("api-", StringComparison.Ordinal) && s.Kind == "Server");
        var database = await platform.Telemetry.SpanAsync(traceId, s => s.Resource.StartsWith("api-", StringComparison.Ordinal) && s.Kind == "Client" && s.Attribute("db.system.name") == "postgresql");

        Assert.Equal("GET /status", webServer.Name);
        Assert.Contains(webServer.SpanId, await AncestorsAsync(webClient));
        Assert.Equal(webClient.SpanId, apiServer.ParentSpanId);
        Assert.Equal("GET /api/platform/status", apiServer.Name);
        Assert.Contains(apiServer.SpanId, await AncestorsAsync(database));
    }

    [Fact]
    public async Task Every_service_sends_its_traces_metrics_and_logs_to_the_dashboard()
    {
        // A traced request on every replica, each asked directly.
        foreach (var replica in PlatformFixture.ReplicaNames("api", PlatformFixture.ApiReplicas).Concat(PlatformFixture.ReplicaNames("web", PlatformFixture.WebReplicas)))
        {
            using var client = new HttpClient { BaseAddress = App.GetEndpoint(replica) };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(replica.StartsWith("api", StringComparison.Ordinal) ? "/api/platform/status" : "/status")).StatusCode);
        }

        string[] expected = [.. PlatformFixture.ReplicaNames("api", PlatformFixture.ApiReplicas), "worker", .. PlatformFixture.ReplicaNames("web", PlatformFixture.WebReplicas), "migrations"];
        await Eventually.TrueAsync(async () =>
        {
            var resources = await platform.Telemetry.ResourcesAsync();
            return expected.All(name => resources.EnumerateArray().Any(r =>
                r.GetProperty("name").GetString() == name && r.GetProperty("hasLogs").GetBoolean() && r.GetProperty("hasMetrics").GetBoolean() && r.GetProperty("hasTraces").GetBoolean()));
        }, "not every service has logs, metrics and traces in the dashboard");
        // Each replica's start-up, asked per resource: after the load tests the latest 5,000 records are all requests.
        foreach (var replica in PlatformFixture.ReplicaNames("api", PlatformFixture.ApiReplicas))
        {
            Assert.Contains(await platform.Telemetry.LogsAsync(resource: replica), l => l.Message.StartsWith("Now listening on", StringComparison.Ordinal));
        }

        var logs = await platform.Telemetry.LogsAsync(resource: "migrations");
        Assert.Contains(logs, l => l.Resource == "migrations" && l.Message.StartsWith("Database is up to date", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_web_reaches_every_api_replica_through_service_discovery()
    {
        // Service discovery gives the web the api balancer's endpoint; HAProxy spreads the requests over the replicas.
        using var client = App.CreateHttpClient("web");
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        var replicas = PlatformFixture.ReplicaNames("api", PlatformFixture.ApiReplicas)
            .Select(n => PlatformFixture.Environment(platform.Instances(n).Single())["OTEL_RESOURCE_ATTRIBUTES"]!.Split('=')[1]).ToHashSet();

        await Eventually.TrueAsync(async () =>
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ => seen[ApiInstance().Match(await client.GetStringAsync("/status")).Groups[1].Value] = true));
            return replicas.SetEquals(seen.Keys);
        }, () => $"answered by {string.Join(", ", seen.Keys)} of {string.Join(", ", replicas)}");
    }

    [Fact]
    public async Task A_server_s_console_output_reaches_the_dashboard_as_its_resource_log()
    {
        var postgres = platform.Instances("postgres").Single();
        var logs = App.Services.GetRequiredService<ResourceLoggerService>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await foreach (var batch in logs.WatchAsync(postgres.ResourceId).WithCancellation(timeout.Token))
        {
            if (batch.Any(line => line.Content.Contains("database system is ready to accept connections", StringComparison.Ordinal)))
            {
                return;
            }
        }
    }

    [Fact]
    public async Task The_Api_refuses_an_oversize_body_before_reading_it()
    {
        using var client = App.CreateHttpClient("api");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = new StringContent("{\"note\":\"" + new string('x', 200_000) + "\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        using var response = await client.SendAsync(request);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("body", out _));
    }

    [Theory]
    [InlineData("cache")]
    [InlineData("messaging")]
    [InlineData("worker")]
    public async Task A_restart_from_the_dashboard_replaces_the_process_and_the_resource_comes_back_healthy(string resource)
    {
        var before = PlatformFixture.Pid(platform.Instances(resource).Single());

        var result = await App.ResourceCommands.ExecuteCommandAsync(platform.Instances(resource).Single().ResourceId, KnownResourceCommands.RestartCommand);

        Assert.True(result.Success, result.Message);
        await Eventually.TrueAsync(() => platform.Instances(resource).Single() is var now
            && now.Snapshot.State?.Text == KnownResourceStates.Running && PlatformFixture.Pid(now) != before,
            $"{resource} was not started again", TimeSpan.FromMinutes(1));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        Assert.False(Posix.IsAlive(before), $"the old process {before} still runs");
    }

    [Fact]
    public async Task PostgreSQL_stopped_from_the_dashboard_shuts_down_cleanly_takes_its_database_along_and_comes_back_on_start()
    {
        var postgres = platform.Instances("postgres").Single();
        var cluster = Path.Combine(App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<LocalServerResource>().Single(r => r.Name == "postgres").DataDirectory, "data");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        Assert.True((await App.ResourceCommands.ExecuteCommandAsync(postgres.ResourceId, KnownResourceCommands.StopCommand)).Success);
        await App.ResourceNotifications.WaitForResourceAsync("hexdb", KnownResourceStates.Exited, timeout.Token);
        await Eventually.TrueAsync(() => !File.Exists(Path.Combine(cluster, "postmaster.pid")), "postgres did not stop");
        Assert.Contains("Database cluster state:               shut down\n", await ControlDataAsync(cluster)); // fast shutdown, not a kill

        Assert.True((await App.ResourceCommands.ExecuteCommandAsync(postgres.ResourceId, KnownResourceCommands.StartCommand)).Success);
        await App.ResourceNotifications.WaitForResourceAsync("hexdb", KnownResourceStates.Running, timeout.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("hexdb", timeout.Token);
        using var client = App.CreateHttpClient("api");
        await Eventually.TrueAsync(async () => (await client.GetAsync("/api/platform/status")).StatusCode == HttpStatusCode.OK, "the Api did not reach the database again");
    }

    private async Task<List<string>> AncestorsAsync(SpanRecord span)
    {
        var spans = (await platform.Telemetry.TraceAsync(span.TraceId)).GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        var ancestors = new List<string>();
        for (var parent = span.ParentSpanId; parent is not null && ancestors.Count < 20; parent = spans.TryGetValue(parent, out var next) ? next.ParentSpanId : null)
        {
            ancestors.Add(parent);
        }

        return ancestors;
    }

    private static async Task<string> ControlDataAsync(string cluster)
    {
        var tool = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pg_controldata")).First(File.Exists);
        using var process = Process.Start(new ProcessStartInfo(tool, ["-D", cluster]) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }

    [GeneratedRegex("data-api-trace=\"([0-9a-f]{32})\"")]
    private static partial Regex ApiTrace();

    [GeneratedRegex("data-api-instance=\"([^\"]+)\"")]
    private static partial Regex ApiInstance();
}

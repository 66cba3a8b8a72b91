using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using HexProperty.Dashboard.Telemetry;
using HexProperty.Hosting;
using HexProperty.Hosting.Orchestration;
using HexProperty.Hosting.Testing;
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
    public async Task Every_resource_is_healthy_and_each_service_reports_its_own_dependencies()
    {
        var all = App.ResourceNotifications.GetAll();
        Assert.Equal(["postgres", "hexdb", "cache", "messaging", "api-0", "api-1", "worker", "web"], all.Select(s => s.InstanceName));
        Assert.All(all, s => Assert.True(s.IsHealthy, $"{s.InstanceName} is {s.State}/{s.Health}: {s.Description}"));

        var api = await HealthAsync("api");
        var worker = await HealthAsync("worker");
        var web = await HealthAsync("web");

        Assert.Equal(["cache", "hexdb", "hybrid-cache", "self"], api.Order());
        Assert.Equal(["cache", "hexdb", "hybrid-cache", "messaging", "self"], worker.Order());
        Assert.Equal(["self"], web);
    }

    private async Task<IReadOnlyList<string>> HealthAsync(string resource)
    {
        using var client = App.CreateHttpClient(resource);
        using var response = await client.GetAsync("/health");
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        return [.. report.GetProperty("checks").EnumerateObject().Select(c => c.Name)];
    }

    [Fact]
    public async Task Projects_run_with_Aspire_environment_contract()
    {
        await App.ResourceNotifications.WaitForResourceHealthyAsync("web");
        var api0 = ProcessTree.Environment(App.ResourceNotifications.GetInstances("api")[0].ProcessId!.Value);
        var api1 = ProcessTree.Environment(App.ResourceNotifications.GetInstances("api")[1].ProcessId!.Value);
        var web = ProcessTree.Environment(App.ResourceNotifications.GetInstances("web")[0].ProcessId!.Value);

        Assert.Equal(await App.GetConnectionStringAsync("hexdb"), api0["ConnectionStrings__hexdb"]);
        Assert.Equal(await App.GetConnectionStringAsync("cache"), api0["ConnectionStrings__cache"]);
        Assert.Equal(await App.GetConnectionStringAsync("messaging"), api0["ConnectionStrings__messaging"]);
        Assert.Equal("api", api0["OTEL_SERVICE_NAME"]);
        Assert.NotEqual(api0["OTEL_RESOURCE_ATTRIBUTES"], api1["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal(App.GetEndpoint("api", replica: 0).ToString().TrimEnd('/'), api0["ASPNETCORE_URLS"]);
        Assert.Equal(App.GetEndpoint("api", replica: 1).ToString().TrimEnd('/'), api1["ASPNETCORE_URLS"]);
        Assert.Equal(api0["ASPNETCORE_URLS"], web["services__api__http__0"]);
        Assert.Equal(api1["ASPNETCORE_URLS"], web["services__api__http__1"]);
        Assert.Equal(App.Dashboard!.Url, web["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal($"x-otlp-api-key={App.Dashboard.Options.OtlpApiKey}", web["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.False(web.ContainsKey("ConnectionStrings__hexdb"), "the web references only the api");
    }

    [Fact]
    public async Task Connection_strings_reach_the_real_servers_and_their_credentials_are_enforced()
    {
        var database = await App.GetConnectionStringAsync("hexdb");
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select current_database()", connection);
            Assert.Equal("hexdb", await command.ExecuteScalarAsync());
        }

        var wrongPassword = new NpgsqlConnectionStringBuilder(database) { Password = "not-the-password" }.ConnectionString;
        var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var connection = new NpgsqlConnection(wrongPassword);
            await connection.OpenAsync();
        });
        Assert.Equal("28P01", refused.SqlState); // invalid_password

        var cache = await App.GetConnectionStringAsync("cache");
        using (var redis = await ConnectionMultiplexer.ConnectAsync(cache))
        {
            Assert.True((await redis.GetDatabase().PingAsync()) < TimeSpan.FromSeconds(5));
        }

        // Without the password the server itself refuses: asked over plain RESP, so no client library interprets it.
        var (host, port) = (cache.Split(',')[0].Split(':')[0], int.Parse(cache.Split(',')[0].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
        using (var anonymous = new System.Net.Sockets.TcpClient())
        {
            await anonymous.ConnectAsync(host, port);
            var stream = anonymous.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[256];
            var answer = System.Text.Encoding.ASCII.GetString(buffer, 0, await stream.ReadAsync(buffer));
            Assert.StartsWith("-NOAUTH", answer, StringComparison.Ordinal);
        }

        var messaging = new Uri(await App.GetConnectionStringAsync("messaging"));
        await using (var broker = await new ConnectionFactory { Uri = messaging }.CreateConnectionAsync())
        {
            Assert.True(broker.IsOpen);
        }

        var wrongBroker = new UriBuilder(messaging) { Password = "not-the-password" }.Uri;
        await Assert.ThrowsAsync<BrokerUnreachableException>(() => new ConnectionFactory { Uri = wrongBroker }.CreateConnectionAsync());
    }

    [Fact]
    public async Task A_page_request_is_one_trace_from_the_web_through_the_api()
    {
        await App.ResourceNotifications.WaitForResourceHealthyAsync("api");
        await App.ResourceNotifications.WaitForResourceHealthyAsync("web");
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var client = App.CreateHttpClient("web");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/status");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        using var response = await client.SendAsync(request);
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(traceId, ApiTrace().Match(page).Groups[1].Value);
        var webServer = await SpanAsync(traceId, s => s.Resource == "web" && s.Kind == "Server");
        var webClient = await SpanAsync(traceId, s => s.Resource == "web" && s.Kind == "Client");
        var apiServer = await SpanAsync(traceId, s => s.Resource == "api" && s.Kind == "Server");
        var database = await SpanAsync(traceId, s => s.Resource == "api" && s.Kind == "Client" && s.Attribute("db.system.name") == "postgresql");

        Assert.Equal("GET /status", webServer.Name);
        Assert.Equal(webServer.SpanId, webClient.ParentSpanId);
        Assert.Equal(webClient.SpanId, apiServer.ParentSpanId);
        Assert.Equal("GET /api/platform/status", apiServer.Name);
        Assert.Equal(apiServer.SpanId, database.ParentSpanId);
    }

    [Fact]
    public async Task Each_service_exports_its_metrics_and_logs_over_OTLP()
    {
        await App.ResourceNotifications.WaitForResourceHealthyAsync("api");
        using var client = App.CreateHttpClient("api", replica: 1);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/platform/status")).StatusCode);
        var instance = App.ResourceNotifications.GetInstances("api")[1].ServiceInstanceId!;

        // The replica's service.instance.id marks its exports; the instruments and messages arrive by name.
        await MetricAsync(instance, "http.server.request.duration");
        await MetricAsync(instance, "dotnet.gc.collections");
        await MetricAsync(instance, "db.client.operation.duration");
        await EventuallyAsync(
            () => platform.Telemetry.QueryLogs(new("api", Text: "Now listening on")).Any(e => e.Instance == instance),
            "no log export from the api replica says 'Now listening on'");
    }

    private Task MetricAsync(string instance, string name) => EventuallyAsync(
        () => App.Dashboard!.Metrics.Read("api", name, (_, series) => series.Any(s => s.Instance == instance)),
        $"no metrics export from the api replica has '{name}'");

    private static Task EventuallyAsync(Func<bool> condition, string failure) => Eventually.TrueAsync(condition, failure, TimeSpan.FromSeconds(20));

    [Fact]
    public async Task The_web_reaches_every_api_replica_through_service_discovery()
    {
        await App.ResourceNotifications.WaitForResourceHealthyAsync("api");
        await App.ResourceNotifications.WaitForResourceHealthyAsync("web");
        using var client = App.CreateHttpClient("web");
        var instances = new HashSet<string>();
        for (var i = 0; i < 6; i++)
        {
            var page = await client.GetStringAsync("/status");
            instances.Add(ApiInstance().Match(page).Groups[1].Value);
        }

        var replicas = App.ResourceNotifications.GetInstances("api").Select(s => s.ServiceInstanceId!).ToHashSet();
        Assert.Equal(PlatformFixture.ApiReplicas, replicas.Count);
        Assert.Equal(replicas, instances);
    }

    [Fact]
    public async Task A_killed_api_process_is_restarted_and_becomes_healthy_again()
    {
        await App.ResourceNotifications.WaitForResourceHealthyAsync("api");
        var before = App.ResourceNotifications.GetInstances("api")[0];

        Posix.Signal(before.ProcessId!.Value, Posix.SigKill);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var after = (await App.ResourceNotifications.WaitForResourceAsync(
            "api", instances => instances[0].RestartCount > before.RestartCount && instances[0].IsHealthy, timeout.Token))[0];
        Assert.NotEqual(before.ProcessId, after.ProcessId);
        Assert.Contains("SIGKILL", after.LastExitReason, StringComparison.Ordinal);
        Assert.Contains("restarting in 1 s", await File.ReadAllTextAsync(after.LogFile!), StringComparison.Ordinal);
        using var client = App.CreateHttpClient("api", replica: 0);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/platform/status")).StatusCode);
    }

    [Fact]
    public async Task The_Api_refuses_an_oversize_body_before_reading_it()
    {
        await App.ResourceNotifications.WaitForResourceHealthyAsync("api");
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

    [Fact]
    public async Task Each_instance_keeps_its_output_in_its_own_log_file()
    {
        await App.ResourceNotifications.WaitForResourceHealthyAsync("web");

        var postgres = await File.ReadAllTextAsync(App.ResourceNotifications.GetInstances("postgres")[0].LogFile!);
        var api1 = await File.ReadAllTextAsync(App.ResourceNotifications.GetInstances("api")[1].LogFile!);

        Assert.Contains("database system is ready to accept connections", postgres, StringComparison.Ordinal);
        Assert.Contains($"Now listening on: {App.GetEndpoint("api", replica: 1).ToString().TrimEnd('/')}", api1, StringComparison.Ordinal);
        Assert.DoesNotContain("ready to accept connections", api1, StringComparison.Ordinal);
    }

    private async Task<SpanRecord> SpanAsync(string traceId, Func<SpanRecord, bool> match)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (platform.Telemetry.GetTrace(traceId)?.FirstOrDefault(match) is { } span)
            {
                return span;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException(
            "No matching span; received: " + string.Join(", ", (platform.Telemetry.GetTrace(traceId) ?? []).Select(s => $"{s.Resource}:{s.Kind}:{s.Name}")));
    }

    [GeneratedRegex("data-api-trace=\"([0-9a-f]{32})\"")]
    private static partial Regex ApiTrace();

    [GeneratedRegex("data-api-instance=\"([^\"]+)\"")]
    private static partial Regex ApiInstance();
}

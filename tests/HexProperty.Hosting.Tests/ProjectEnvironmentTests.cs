namespace HexProperty.Hosting.Tests;

/// <summary>The environment contract a project gets, in Aspire's names and formats.</summary>
public sealed class ProjectEnvironmentTests
{
    [Fact]
    public void Referenced_servers_arrive_as_connection_strings_in_Aspire_formats()
    {
        using var app = new TestApplication();

        var environment = app.EnvironmentOf(app.Api.Resource);

        var postgresPort = app.Postgres.Resource.PrimaryEndpoint.GetAllocatedPort();
        Assert.Equal(
            $"Host=127.0.0.1;Port={postgresPort};Username=postgres;Password=secret-of-postgres-password;Database=hexdb",
            environment["ConnectionStrings__hexdb"]);
        Assert.Equal($"127.0.0.1:{app.Cache.Resource.PrimaryEndpoint.GetAllocatedPort()},password=secret-of-cache-password", environment["ConnectionStrings__cache"]);
        Assert.Equal(
            $"amqp://hexproperty:secret-of-messaging-password@127.0.0.1:{app.Messaging.Resource.PrimaryEndpoint.GetAllocatedPort()}",
            environment["ConnectionStrings__messaging"]);
        Assert.False(environment.ContainsKey("ConnectionStrings__postgres"), "only what the project references is passed");
    }

    [Fact]
    public void A_referenced_project_arrives_as_service_discovery_entries_one_per_replica()
    {
        using var app = new TestApplication(apiReplicas: 3);

        var environment = app.EnvironmentOf(app.Web.Resource);

        var endpoint = app.Api.Resource.HttpEndpoint;
        Assert.Equal(endpoint.GetUrl(0), environment["services__api__http__0"]);
        Assert.Equal(endpoint.GetUrl(1), environment["services__api__http__1"]);
        Assert.Equal(endpoint.GetUrl(2), environment["services__api__http__2"]);
        Assert.False(environment.ContainsKey("services__api__http__3"));
        Assert.Equal(endpoint.GetUrl(0), environment["API_HTTP"]);
        Assert.Equal(3, new[] { endpoint.GetUrl(0), endpoint.GetUrl(1), endpoint.GetUrl(2) }.Distinct().Count());
    }

    [Fact]
    public void Each_replica_has_its_own_url_and_service_instance_id()
    {
        using var app = new TestApplication(apiReplicas: 2);

        var first = app.EnvironmentOf(app.Api.Resource, 0);
        var second = app.EnvironmentOf(app.Api.Resource, 1);

        Assert.Equal(app.Api.Resource.HttpEndpoint.GetUrl(0), first["ASPNETCORE_URLS"]);
        Assert.Equal(app.Api.Resource.HttpEndpoint.GetUrl(1), second["ASPNETCORE_URLS"]);
        Assert.Equal("api", first["OTEL_SERVICE_NAME"]);
        Assert.Equal("api", second["OTEL_SERVICE_NAME"]);
        Assert.Matches("^service\\.instance\\.id=api-0-[0-9a-f]{8}$", first["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Matches("^service\\.instance\\.id=api-1-[0-9a-f]{8}$", second["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal(app.Context.RunId, first[Orchestration.RunContext.RunMarkerVariable]);
    }

    [Fact]
    public void The_OTLP_exporter_is_configured_only_when_a_collector_is()
    {
        using var without = new TestApplication();
        using var with = new TestApplication(options: new AppHostOptions { OtlpEndpoint = "http://127.0.0.1:4318" });

        var plain = without.EnvironmentOf(without.Api.Resource);
        var exporting = with.EnvironmentOf(with.Api.Resource);

        Assert.False(plain.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        Assert.Equal("http://127.0.0.1:4318", exporting["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http/protobuf", exporting["OTEL_EXPORTER_OTLP_PROTOCOL"]);
    }

    [Fact]
    public void WithEnvironment_overrides_a_default()
    {
        using var app = new TestApplication();
        app.Api.WithEnvironment("ASPNETCORE_ENVIRONMENT", "Staging").WithEnvironment("Booking__HoldMinutes", "5");

        var environment = app.EnvironmentOf(app.Api.Resource);

        Assert.Equal("Staging", environment["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("5", environment["Booking__HoldMinutes"]);
    }
}

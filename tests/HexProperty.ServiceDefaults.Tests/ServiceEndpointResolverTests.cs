using HexProperty.ServiceDefaults.ServiceDiscovery;
using Microsoft.Extensions.Configuration;

namespace HexProperty.ServiceDefaults.Tests;

public sealed class ServiceEndpointResolverTests
{
    private static ServiceEndpointResolver Resolver(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());

    [Fact]
    public void Resolves_a_service_name_to_its_configured_endpoint_keeping_path_and_query()
    {
        var resolver = Resolver(("services:api:http:0", "http://127.0.0.1:5001"));

        var resolved = resolver.Resolve(new Uri("http://api/api/properties?city=Lisbon"));

        Assert.Equal(new Uri("http://127.0.0.1:5001/api/properties?city=Lisbon"), resolved);
    }

    [Fact]
    public void Uses_every_replica_in_turn()
    {
        var resolver = Resolver(
            ("services:api:http:0", "http://127.0.0.1:5001"),
            ("services:api:http:1", "http://127.0.0.1:5002"),
            ("services:api:http:2", "http://127.0.0.1:5003"));

        var ports = Enumerable.Range(0, 6).Select(_ => resolver.Resolve(new Uri("http://api/"))!.Port).ToList();

        Assert.Equal([5001, 5002, 5003, 5001, 5002, 5003], ports);
    }

    [Fact]
    public void Https_plus_http_prefers_https_and_falls_back_to_http()
    {
        var both = Resolver(("services:api:https:0", "https://127.0.0.1:7001"), ("services:api:http:0", "http://127.0.0.1:5001"));
        var httpOnly = Resolver(("services:api:http:0", "http://127.0.0.1:5001"));

        Assert.Equal(new Uri("https://127.0.0.1:7001/x"), both.Resolve(new Uri("https+http://api/x")));
        Assert.Equal(new Uri("http://127.0.0.1:5001/x"), httpOnly.Resolve(new Uri("https+http://api/x")));
    }

    [Fact]
    public void An_underscore_prefix_names_the_endpoint()
    {
        var resolver = Resolver(("services:api:http:0", "http://127.0.0.1:5001"), ("services:api:management:0", "http://127.0.0.1:5999"));

        Assert.Equal(5999, resolver.Resolve(new Uri("http://_management.api/stats"))!.Port);
    }

    [Fact]
    public void An_unconfigured_host_is_left_alone()
    {
        var resolver = Resolver(("services:api:http:0", "http://127.0.0.1:5001"));

        Assert.Null(resolver.Resolve(new Uri("http://example.org/")));
        Assert.Equal(new Uri("https://example.org/a"), ServiceEndpointResolver.PassThrough(new Uri("https+http://example.org/a")));
    }

    [Fact]
    public void A_configuration_reload_is_seen()
    {
        var configuration = new ConfigurationManager();
        configuration["services:api:http:0"] = "http://127.0.0.1:5001";
        var resolver = new ServiceEndpointResolver(configuration);
        Assert.Equal(5001, resolver.Resolve(new Uri("http://api/"))!.Port);

        configuration["services:api:http:0"] = "http://127.0.0.1:6001";
        ((IConfigurationRoot)configuration).Reload();

        Assert.Equal(6001, resolver.Resolve(new Uri("http://api/"))!.Port);
    }
}

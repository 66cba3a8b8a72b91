using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace HexProperty.ServiceDefaults.ServiceDiscovery;

/// <summary>
/// Resolves a logical service URI to a real endpoint from configuration, as Microsoft.Extensions.ServiceDiscovery's
/// configuration provider does: <c>http://api</c> reads <c>services:api:http:0..n</c> (the AppHost sets
/// <c>services__api__http__0</c>), <c>https+http://api</c> prefers https and falls back to http, and
/// <c>http://_admin.api</c> names the endpoint "admin". Several endpoints (replicas) are used in turn.
/// A host with no configured endpoints is left as it is, so real host names keep working.
/// </summary>
public sealed class ServiceEndpointResolver
{
    private readonly IConfiguration _configuration;
    private readonly ConcurrentDictionary<string, string[]> _endpoints = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _next = new(StringComparer.OrdinalIgnoreCase);

    public ServiceEndpointResolver(IConfiguration configuration)
    {
        _configuration = configuration;
        // Endpoints are cached per service and endpoint name until the configuration reloads.
        ChangeToken.OnChange(configuration.GetReloadToken, _endpoints.Clear);
    }

    /// <summary>The endpoint to send to, or <c>null</c> when the URI names no configured service.</summary>
    public Uri? Resolve(Uri logical)
    {
        if (!logical.IsAbsoluteUri)
        {
            return null;
        }

        var (service, endpointName) = ParseHost(logical.Host);
        string[] schemes = logical.Scheme switch
        {
            "https+http" => ["https", "http"],
            "http+https" => ["http", "https"],
            var scheme => [scheme],
        };

        foreach (var scheme in schemes)
        {
            var endpoints = Endpoints(service, endpointName ?? scheme);
            if (endpoints.Length == 0)
            {
                continue;
            }

            var index = (int)((uint)_next.AddOrUpdate($"{service}/{endpointName ?? scheme}", 0, (_, n) => n + 1) % (uint)endpoints.Length);
            var target = new Uri(endpoints[index]);
            return new UriBuilder(logical)
            {
                Scheme = target.Scheme,
                Host = target.Host,
                Port = target.Port,
            }.Uri;
        }

        return null;
    }

    /// <summary>A logical URI with no configured endpoint falls back to its host name with the first scheme it allows.</summary>
    public static Uri PassThrough(Uri logical) =>
        logical.Scheme is "https+http" or "http+https"
            ? new UriBuilder(logical) { Scheme = logical.Scheme.Split('+')[0], Port = -1 }.Uri
            : logical;

    private string[] Endpoints(string service, string endpointName) =>
        _endpoints.GetOrAdd($"{service}/{endpointName}", _ =>
            [.. _configuration.GetSection($"services:{service}:{endpointName}").GetChildren()
                .Select(c => (Index: int.TryParse(c.Key, out var i) ? i : int.MaxValue, c.Value))
                .Where(c => !string.IsNullOrWhiteSpace(c.Value))
                .OrderBy(c => c.Index)
                .Select(c => c.Value!)]);

    private static (string Service, string? EndpointName) ParseHost(string host)
    {
        if (host.StartsWith('_') && host.IndexOf('.', StringComparison.Ordinal) is > 1 and var dot)
        {
            return (host[(dot + 1)..], host[1..dot]);
        }

        return (host, null);
    }
}

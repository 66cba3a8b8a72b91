using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HexProperty.ServiceDefaults.ServiceDiscovery;

public static class ServiceDiscoveryExtensions
{
    public static IServiceCollection AddServiceDiscovery(this IServiceCollection services)
    {
        services.TryAddSingleton<ServiceEndpointResolver>();
        return services;
    }

    /// <summary>Resolves logical service URIs (<c>http://api</c>) for this client, or for every client in <c>ConfigureHttpClientDefaults</c>.</summary>
    public static IHttpClientBuilder AddServiceDiscovery(this IHttpClientBuilder builder)
    {
        builder.Services.AddServiceDiscovery();
        return builder.AddHttpMessageHandler(services => new ServiceDiscoveryHandler(services.GetRequiredService<ServiceEndpointResolver>()));
    }
}

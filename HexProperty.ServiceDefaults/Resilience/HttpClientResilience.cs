using HexProperty.ServiceDefaults.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Http.Resilience;

namespace Microsoft.Extensions.DependencyInjection;

public static class HttpClientResilience
{
    /// <summary>
    /// Gives one named client its own standard resilience handler, instead of the one the service defaults give every
    /// client: its own circuit breaker, and options from <c>HttpClients:{name}:Resilience</c> in configuration. The
    /// handler stays outermost, as in the defaults, so each retry resolves the service again through service discovery
    /// and can land on another replica.
    /// </summary>
    public static IHttpStandardResiliencePipelineBuilder AddOwnResilienceHandler(this IHttpClientBuilder http, IConfiguration configuration)
    {
        var client = http.Name;
#pragma warning disable EXTEXP0001 // Experimental API: the documented way to replace, for one client, a handler added by ConfigureHttpClientDefaults.
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        var pipeline = http.AddStandardResilienceHandler()
            .Configure(options => configuration.GetSection($"HttpClients:{client}:Resilience").Bind(options))
            .Configure((options, services) => services.GetRequiredService<HttpCircuitStates>().Track(client, options.CircuitBreaker));
        http.ConfigureAdditionalHttpMessageHandlers((handlers, _) =>
        {
            var resilience = handlers.OfType<ResilienceHandler>().Single();
            handlers.Remove(resilience);
            handlers.Insert(0, resilience);
        });
        return pipeline;
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace HexProperty.ServiceDefaults.Resilience;

public static class ResilienceHttpClientBuilderExtensions
{
    /// <summary>The configuration section of a client's options: <c>HttpClients:{name}:Resilience</c>.</summary>
    public static string ConfigurationSection(string clientName) => $"HttpClients:{clientName}:Resilience";

    /// <summary>
    /// Adds the standard resilience pipeline to a client, or to every client when called inside
    /// <c>ConfigureHttpClientDefaults</c>. A client gets one pipeline however often this is called. Each call's
    /// <paramref name="configure"/> applies over the defaults, and the configuration section applies last, so an
    /// operator can change a client's timeouts without a build.
    /// </summary>
    public static IHttpClientBuilder AddStandardResilienceHandler(this IHttpClientBuilder builder, Action<HttpStandardResilienceOptions>? configure = null)
    {
        var services = builder.Services;
        services.TryAddSingleton<HttpResiliencePipelines>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<HttpStandardResilienceOptions>, ResilienceOptionsFromConfiguration>());
        if (configure is not null)
        {
            if (builder.Name is null)
            {
                services.ConfigureAll(configure);
            }
            else
            {
                services.Configure(builder.Name, configure);
            }
        }

        void AddHandler(HttpMessageHandlerBuilder handlers)
        {
            if (!handlers.AdditionalHandlers.Any(h => h is ResilienceHandler))
            {
                var pipelines = handlers.Services.GetRequiredService<HttpResiliencePipelines>();
                handlers.AdditionalHandlers.Add(new ResilienceHandler(pipelines.For(handlers.Name ?? "")));
            }
        }

        if (builder.Name is null)
        {
            services.ConfigureAll<HttpClientFactoryOptions>(o => o.HttpMessageHandlerBuilderActions.Add(AddHandler));
        }
        else
        {
            services.Configure<HttpClientFactoryOptions>(builder.Name, o => o.HttpMessageHandlerBuilderActions.Add(AddHandler));
        }

        return builder;
    }

    /// <summary>Binds every client's options from <c>HttpClients:{name}:Resilience</c>, after code-level configuration.</summary>
    private sealed class ResilienceOptionsFromConfiguration(IConfiguration configuration) : IPostConfigureOptions<HttpStandardResilienceOptions>
    {
        public void PostConfigure(string? name, HttpStandardResilienceOptions options) =>
            configuration.GetSection(ConfigurationSection(name ?? "")).Bind(options);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;

namespace HexProperty.Messaging;

/// <summary>
/// Registers the event bus's parts. They need an <c>NpgsqlDataSource</c> (AddNpgsqlDataSource) for the outbox and
/// inboxes and a RabbitMQ <c>IConnection</c> (AddRabbitMQClient).
/// </summary>
public static class MessagingExtensions
{
    /// <summary>The relay that publishes the outbox; run it in the service that writes events (any number of replicas).</summary>
    public static IHostApplicationBuilder AddOutboxRelay(this IHostApplicationBuilder builder)
    {
        builder.AddMessagingOptions();
        builder.Services.TryAddSingleton(services => ActivatorUtilities.CreateInstance<OutboxRelay>(services, Connection(services)));
        builder.Services.AddHostedService(services => services.GetRequiredService<OutboxRelay>());
        return builder;
    }

    /// <summary>A consumer with its own queue, inbox, retry and dead-letter queues, handling events with <typeparamref name="THandler"/>.</summary>
    public static IHostApplicationBuilder AddEventConsumer<THandler>(this IHostApplicationBuilder builder)
        where THandler : class, IIntegrationEventHandler
    {
        builder.AddMessagingOptions();
        builder.Services.TryAddSingleton<THandler>();
        builder.Services.AddKeyedSingleton(typeof(THandler), (services, _) => ActivatorUtilities.CreateInstance<EventConsumer>(services, services.GetRequiredService<THandler>(), Connection(services)));
        // AddHostedService would keep only the first consumer: it de-duplicates by implementation type.
        builder.Services.AddSingleton<IHostedService>(services => services.GetRequiredKeyedService<EventConsumer>(typeof(THandler)));
        return builder;
    }

    /// <summary>
    /// The connection, asked for when used: the host builds every hosted service before starting any, and the RabbitMQ
    /// connection only opens when its own hosted service starts.
    /// </summary>
    private static Func<IConnection> Connection(IServiceProvider services) => services.GetRequiredService<IConnection>;

    private static void AddMessagingOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MessagingOptions>().Bind(builder.Configuration.GetSection(MessagingOptions.Section))
            .Validate(options => options.OutboxPublishWindow is >= 1 and <= 64, "Messaging:OutboxPublishWindow must be between 1 and 64.")
            .Validate(options => options.OutboxBatchSize >= 1, "Messaging:OutboxBatchSize must be at least 1.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
    }
}

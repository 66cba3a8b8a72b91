using HexProperty.Hosting.ApplicationModel;

namespace HexProperty.Hosting.RabbitMQ;

public static class RabbitMQBuilderExtensions
{
    /// <summary>Adds a RabbitMQ broker; projects that reference it get <c>ConnectionStrings__name</c> (an AMQP URI).</summary>
    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(
        this IDistributedApplicationBuilder builder, string name, string userName = "hexproperty", int? port = null)
    {
        var password = builder.AddParameter($"{name}-password", secret: true);
        var broker = new RabbitMQServerResource(name, userName, password.Resource);
        broker.PrimaryEndpoint.Port = port;
        return builder.AddResource(broker);
    }

    /// <summary>Enables the management plugin (web UI and HTTP API) on its own endpoint.</summary>
    public static IResourceBuilder<RabbitMQServerResource> WithManagementPlugin(this IResourceBuilder<RabbitMQServerResource> broker, int? port = null)
    {
        broker.Resource.ManagementEndpoint = new EndpointAnnotation("management", "http", port);
        return broker;
    }
}

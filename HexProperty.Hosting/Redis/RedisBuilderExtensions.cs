using HexProperty.Hosting.ApplicationModel;

namespace HexProperty.Hosting.Redis;

public static class RedisBuilderExtensions
{
    /// <summary>Adds a Redis server; projects that reference it get <c>ConnectionStrings__name</c>.</summary>
    public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        var password = builder.AddParameter($"{name}-password", secret: true);
        var redis = new RedisResource(name, password.Resource);
        redis.PrimaryEndpoint.Port = port;
        return builder.AddResource(redis);
    }
}

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace HexProperty.Hosting.Redis;

public static class LocalRedisBuilderExtensions
{
    /// <summary>
    /// Adds a Redis server run from Debian's <c>/usr/bin/redis-server</c>, with a generated password kept in the AppHost's
    /// user secrets and a snapshot after a minute with a change (as Aspire's Redis with a data volume). Projects that
    /// reference it get <c>ConnectionStrings__name</c> as from Aspire's <c>AddRedis</c>; <c>WaitFor</c> waits until PING
    /// answers. In publish mode it is Aspire's Redis container resource.
    /// </summary>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true, persist: true);
        if (builder.ExecutionContext.IsPublishMode)
        {
            var container = builder.AddRedis(name, port, password).WithDataVolume();
            return builder.CreateResourceBuilder(new LocalRedisResource(name, "", password.Resource) { PublishedAs = container.Resource });
        }

        var redis = new LocalRedisResource(name, LocalServers.Root(builder).ServerDirectory(name), password.Resource);
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis, async (_, cancellationToken) =>
        {
            // The password stays off the command line, where ps would show it.
            Directory.CreateDirectory(redis.DataDirectory);
            await PrivateFile.WriteAsync(redis.ConfigFile, string.Join('\n',
            [
                "# Written by the HexProperty AppHost at every start; the port comes as an argument.",
                "bind 127.0.0.1",
                $"requirepass {await redis.PasswordParameter.GetValueAsync(cancellationToken)}",
                "protected-mode yes",
                "daemonize no",
                $"dir {redis.DataDirectory}",
                "dbfilename dump.rdb",
                "save 60 1",
                "appendonly no",
                "logfile \"\"",
                "",
            ]), cancellationToken);
        });

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, cancellationToken) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(cancellationToken));
        var check = builder.AddServerHealthCheck(name, () =>
            new HealthChecks.Redis.RedisHealthCheck(connectionString ?? throw new InvalidOperationException("The connection string is not available yet.")));

        return builder.AddLocalServer(redis, port, ServerProgram.Find(builder, "/usr/bin/redis-server", "redis-server", "Redis server"))
            .WithArgs(redis.ConfigFile, "--port", redis.Port)
            .WithIconName("Database")
            .WithHealthCheck(check);
    }
}

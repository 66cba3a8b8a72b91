using HexProperty.Hosting.ApplicationModel;
using HexProperty.Hosting.Orchestration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace HexProperty.Hosting.Redis;

/// <summary>Runs redis-server with a generated config file (the password stays off the command line).</summary>
internal sealed class RedisDriver(RedisResource resource, RunContext context) : IResourceDriver, IAsyncDisposable
{
    private ConnectionMultiplexer? _probe;

    private string ResourceDirectory => context.ResourceDirectory(resource.Name);

    private string ConfigFile => Path.Combine(ResourceDirectory, "redis.conf");

    public IEnumerable<RequiredFile> RequiredFiles =>
    [
        new(context.Options.RedisServerPath,
            $"Redis server ({context.Options.RedisServerPath}) not found: install the Debian package 'redis-server' (sudo apt-get install -y redis-server)."),
    ];

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(ResourceDirectory);
        var settings = string.Join('\n',
        [
            "# Written by the HexProperty AppHost at every start.",
            "bind 127.0.0.1",
            $"port {resource.PrimaryEndpoint.GetAllocatedPort()}",
            $"requirepass {resource.PasswordParameter.Value}",
            "protected-mode yes",
            "daemonize no",
            $"dir {ResourceDirectory}",
            "dbfilename dump.rdb",
            // Snapshot after a minute with a change, as Aspire does for a Redis with a data volume.
            "save 60 1",
            "appendonly no",
            "logfile \"\"",
            "",
        ]);
        await File.WriteAllTextAsync(ConfigFile, settings, cancellationToken);
        File.SetUnixFileMode(ConfigFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public IReadOnlyList<ProcessSpec> CreateProcesses(int replica) =>
    [
        new("redis-server", context.Options.RedisServerPath, [ConfigFile]) { Environment = context.BaseEnvironment },
    ];

    public async Task<HealthCheckResult> CheckHealthAsync(int replica, CancellationToken cancellationToken)
    {
        _probe ??= await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { EndpointAnnotation.Host, resource.PrimaryEndpoint.GetAllocatedPort() } },
            Password = resource.PasswordParameter.Value,
            AbortOnConnectFail = false,
            ConnectTimeout = 2000,
            SyncTimeout = 2000,
            ClientName = "hexproperty-apphost",
        });
        var latency = await _probe.GetDatabase().PingAsync().WaitAsync(cancellationToken);
        return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
    }

    public async ValueTask DisposeAsync()
    {
        if (_probe is not null)
        {
            await _probe.CloseAsync();
            _probe.Dispose();
        }
    }
}

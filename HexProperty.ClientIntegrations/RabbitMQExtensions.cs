using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace HexProperty.ClientIntegrations;

public static class RabbitMQExtensions
{
    /// <summary>
    /// Registers one <see cref="IConnection"/> for <c>ConnectionStrings:name</c> (an AMQP URI), opened when the service
    /// starts with retries (5, exponential from 1 s, as Aspire's integration), with automatic recovery afterwards
    /// and a health check. RabbitMQ.Client 7 traces publish and deliver itself ("RabbitMQ.Client.*" sources).
    /// </summary>
    public static IHostApplicationBuilder AddRabbitMQClient(this IHostApplicationBuilder builder, string connectionName, int maxConnectRetries = 5)
    {
        var connectionString = ConnectionStrings.Require(builder.Configuration, connectionName);
        builder.Services.AddSingleton<IConnectionFactory>(_ => new ConnectionFactory
        {
            Uri = new Uri(connectionString),
            ClientProvidedName = builder.Environment.ApplicationName,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
        });
        builder.Services.AddSingleton(services => new RabbitMQConnection(
            services.GetRequiredService<IConnectionFactory>(), maxConnectRetries, services.GetRequiredService<ILogger<RabbitMQConnection>>()));
        builder.Services.AddHostedService(services => services.GetRequiredService<RabbitMQConnection>());
        builder.Services.AddSingleton(services => services.GetRequiredService<RabbitMQConnection>().Connection);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            connectionName,
            services => new RabbitMQHealthCheck(services.GetRequiredService<RabbitMQConnection>()),
            HealthStatus.Unhealthy,
            ["ready", "rabbitmq"]));
        return builder;
    }

    /// <summary>Opens the connection when the host starts, so a broker that cannot be reached stops the service at once
    /// (and its supervisor restarts it) instead of failing the first message.</summary>
    public sealed class RabbitMQConnection(IConnectionFactory factory, int maxRetries, ILogger<RabbitMQConnection> logger) : IHostedService, IAsyncDisposable
    {
        private IConnection? _connection;

        public IConnection Connection => _connection ?? throw new InvalidOperationException("The RabbitMQ connection opens when the host starts.");

        public bool IsOpen => _connection?.IsOpen == true;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var retry = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<BrokerUnreachableException>().Handle<SocketException>(),
                MaxRetryAttempts = maxRetries,
                Delay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Exponential,
                OnRetry = args =>
                {
                    logger.LogWarning("RabbitMQ not reachable ({Error}); attempt {Attempt} of {Max} in {Delay:0.#} s",
                        args.Outcome.Exception?.Message, args.AttemptNumber + 2, maxRetries + 1, args.RetryDelay.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
            }).Build();
            _connection = await retry.ExecuteAsync(async token => await factory.CreateConnectionAsync(token), cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async ValueTask DisposeAsync()
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }
        }
    }

    private sealed class RabbitMQHealthCheck(RabbitMQConnection connection) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(connection.IsOpen
                ? HealthCheckResult.Healthy()
                : new HealthCheckResult(context.Registration.FailureStatus, "The connection to RabbitMQ is closed (recovering)."));
    }
}

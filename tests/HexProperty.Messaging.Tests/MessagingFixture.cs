using HexProperty.Data.Persistence;
using HexProperty.Hosting;
using HexProperty.Hosting.Postgres;
using HexProperty.Hosting.RabbitMQ;
using HexProperty.Hosting.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RabbitMQ.Client;

namespace HexProperty.Messaging.Tests;

/// <summary>Real PostgreSQL (with the schema's migrations) and a real RabbitMQ, started by the orchestrator, which restarts what a test kills.</summary>
public sealed class MessagingFixture : IAsyncLifetime
{
    private DistributedApplication _servers = null!;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public string BrokerUri { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddPostgres("postgres").AddDatabase("hexdb");
        builder.AddRabbitMQ("messaging");
        _servers = await builder.BuildAsync();
        await _servers.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _servers.ResourceNotifications.WaitForResourceHealthyAsync("hexdb", timeout.Token);
        await _servers.ResourceNotifications.WaitForResourceHealthyAsync("messaging", timeout.Token);
        DataSource = NpgsqlDataSource.Create(await _servers.GetConnectionStringAsync("hexdb"));
        BrokerUri = await _servers.GetConnectionStringAsync("messaging");
        await new MigrationRunner(DataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(CancellationToken.None);
    }

    public Task<IConnection> ConnectAsync() =>
        new ConnectionFactory { Uri = new Uri(BrokerUri), AutomaticRecoveryEnabled = true, TopologyRecoveryEnabled = true, NetworkRecoveryInterval = TimeSpan.FromMilliseconds(500) }
            .CreateConnectionAsync();

    /// <summary>SIGKILLs the broker (what a crash looks like to its clients); the orchestrator restarts it.</summary>
    public int KillBroker() => _servers.KillInstance("messaging");

    public Task WaitBrokerRestartedAsync(int restartsBefore) => _servers.WaitRestartedAsync("messaging", restartsBefore);

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await _servers.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class MessagingCollection : ICollectionFixture<MessagingFixture>
{
    public const string Name = "messaging";
}

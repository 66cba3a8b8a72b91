using HexProperty.Data.Persistence;
using HexProperty.Hosting.Postgres;
using HexProperty.Hosting.RabbitMQ;
using HexProperty.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RabbitMQ.Client;

namespace HexProperty.Messaging.Tests;

/// <summary>Real PostgreSQL (with the schema's migrations) and a real RabbitMQ, run as the AppHost runs them; a server a
/// test kills is started again by its supervisor.</summary>
public sealed class MessagingFixture : IAsyncLifetime
{
    private TestServers _servers = null!;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public string BrokerUri { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync("messaging", builder =>
        {
            builder.AddLocalPostgres("postgres").AddDatabase("hexdb");
            builder.AddLocalRabbitMQ("messaging");
        });
        DataSource = NpgsqlDataSource.Create(await _servers.ConnectionStringAsync("hexdb"));
        BrokerUri = await _servers.ConnectionStringAsync("messaging");
        await new MigrationRunner(DataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(CancellationToken.None);
    }

    public Task<IConnection> ConnectAsync() =>
        new ConnectionFactory { Uri = new Uri(BrokerUri), AutomaticRecoveryEnabled = true, TopologyRecoveryEnabled = true, NetworkRecoveryInterval = TimeSpan.FromMilliseconds(500) }
            .CreateConnectionAsync();

    /// <summary>SIGKILLs the broker (what a crash looks like to its clients); its supervisor starts it again. Returns its PID.</summary>
    public int KillBroker() => _servers.KillServer("messaging");

    public Task WaitBrokerRestartedAsync(int killedPid) => _servers.WaitRestartedAsync("messaging", killedPid, TimeSpan.FromMinutes(1));

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

using HexProperty.Hosting.Postgres;
using HexProperty.Hosting.RabbitMQ;
using HexProperty.Hosting.Redis;
using HexProperty.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using StackExchange.Redis;

namespace HexProperty.Hosting.Tests;

public sealed class RedisAndRabbitMQTests
{
    [Fact]
    public async Task Redis_answers_with_the_password_refuses_without_it_and_comes_back_after_a_crash()
    {
        await using var servers = await TestServers.StartAsync("redis", builder => builder.AddLocalRedis("cache"));
        var connectionString = await servers.ConnectionStringAsync("cache");
        Assert.Matches(@"^127\.0\.0\.1:\d+,password=[A-Za-z0-9]{22,}$", connectionString);

        await using (var redis = await ConnectionMultiplexer.ConnectAsync(connectionString))
        {
            await redis.GetDatabase().StringSetAsync("greeting", "hello");
        }

        var withoutPassword = ConfigurationOptions.Parse(connectionString);
        withoutPassword.Password = null;
        var refused = await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectionMultiplexer.ConnectAsync(withoutPassword));
        Assert.Contains("NOAUTH", refused.Message);

        var killed = servers.KillServer("cache");
        await servers.WaitRestartedAsync("cache", killed, TimeSpan.FromSeconds(20));
        await using var after = await ConnectionMultiplexer.ConnectAsync(connectionString);
        await after.GetDatabase().StringSetAsync("after-the-crash", "answered");
        Assert.Equal("answered", await after.GetDatabase().StringGetAsync("after-the-crash"));
    }

    [Fact]
    public async Task RabbitMQ_runs_with_its_own_epmd_takes_the_password_and_comes_back_after_a_crash()
    {
        await using var servers = await TestServers.StartAsync("rabbitmq", builder => builder.AddLocalRabbitMQ("messaging"));
        var uri = await servers.ConnectionStringAsync("messaging");
        Assert.Matches(@"^amqp://guest:[A-Za-z0-9]{22,}@127\.0\.0\.1:\d+$", uri);

        var epmd = servers.Model.Resources.OfType<EpmdResource>().Single();
        Assert.Equal("messaging-epmd", epmd.Name);
        var epmdPid = int.Parse(File.ReadAllText(Path.Combine(epmd.WorkingDirectory, "server.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("epmd", File.ReadAllText($"/proc/{epmdPid}/comm").Trim());
        Assert.Equal("beam.smp", File.ReadAllText($"/proc/{servers.ServerPid("messaging")}/comm").Trim());

        await using (var connection = await new ConnectionFactory { Uri = new Uri(uri) }.CreateConnectionAsync())
        {
            Assert.True(connection.IsOpen);
        }

        var wrong = new UriBuilder(uri) { Password = "not-the-password" }.Uri;
        await Assert.ThrowsAsync<BrokerUnreachableException>(() => new ConnectionFactory { Uri = wrong }.CreateConnectionAsync());

        var killed = servers.KillServer("messaging");
        await servers.WaitRestartedAsync("messaging", killed, TimeSpan.FromSeconds(60));
        await using var again = await new ConnectionFactory { Uri = new Uri(uri) }.CreateConnectionAsync();
        Assert.True(again.IsOpen);
    }

    [Theory]
    [InlineData("redis-server", "redis-server")]
    [InlineData("rabbitmq-server", "rabbitmq-server")]
    [InlineData("initdb", "postgresql")]
    public async Task A_missing_server_program_stops_start_up_naming_its_Debian_package(string program, string package)
    {
        var error = await Assert.ThrowsAsync<Aspire.Hosting.DistributedApplicationException>(() => TestServers.StartAsync("missing", builder =>
        {
            builder.AddLocalPostgres("postgres");
            builder.AddLocalRedis("cache");
            builder.AddLocalRabbitMQ("messaging");
        }, [$"--{LocalServers.ProgramsKey}:{program}=/nonexistent/{program}"]));

        Assert.Contains($"/nonexistent/{program}", error.Message);
        Assert.Contains($"install the Debian package '{package}'", error.Message);
        Assert.DoesNotContain(Directory.EnumerateDirectories(Path.Combine(TestDataFolder.RepositoryDirectory, ".hexdata", "tests")), d => Path.GetFileName(d).StartsWith("missing-", StringComparison.Ordinal));
    }
}

using HexProperty.Hosting.Postgres;
using HexProperty.Hosting.RabbitMQ;
using HexProperty.Hosting.Redis;
using HexProperty.Testing;

namespace HexProperty.Hosting.Tests;

public sealed class CleanupTests
{
    [Fact]
    public async Task The_servers_a_test_starts_leave_no_process_behind_even_when_the_test_fails()
    {
        IReadOnlyList<ProcessTree.Member> running = [];
        try
        {
            await using var servers = await TestServers.StartAsync("cleanup", builder =>
            {
                builder.AddLocalPostgres("postgres").AddDatabase("hexdb");
                builder.AddLocalRedis("cache");
                builder.AddLocalRabbitMQ("messaging");
            });

            // In a test the AppHost is this process: DCP names it in --monitor, and the servers run below DCP.
            running = ProcessTree.OfAppHost(Environment.ProcessId);
            throw new InvalidOperationException("a failing assertion in the middle of a test");
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("a failing assertion", StringComparison.Ordinal))
        {
        }

        Assert.All(new[] { "dcp start-apiserver", "supervise.sh", "postgres -D", "redis-server", "epmd", "beam.smp" },
            program => Assert.Contains(running, p => p.Command.Contains(program, StringComparison.Ordinal)));
        var left = await ProcessTree.WaitUntilGoneAsync(running, TimeSpan.FromSeconds(30));
        Assert.True(left.Count == 0, "still running: " + string.Join("; ", left));
    }
}

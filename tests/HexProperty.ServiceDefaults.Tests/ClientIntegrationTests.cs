using HexProperty.ClientIntegrations;
using Microsoft.Extensions.Hosting;

namespace HexProperty.ServiceDefaults.Tests;

public sealed class ClientIntegrationTests
{
    public static TheoryData<string, Action<IHostApplicationBuilder>> Integrations => new()
    {
        { "hexdb", b => b.AddNpgsqlDataSource("hexdb") },
        { "cache", b => b.AddRedisClient("cache") },
        { "messaging", b => b.AddRabbitMQClient("messaging") },
    };

    [Theory]
    [MemberData(nameof(Integrations))]
    public void A_missing_connection_string_stops_startup_naming_the_key(string name, Action<IHostApplicationBuilder> add)
    {
        var builder = Host.CreateApplicationBuilder();

        var error = Assert.Throws<InvalidOperationException>(() => add(builder));

        Assert.Contains($"ConnectionStrings__{name}", error.Message, StringComparison.Ordinal);
    }
}

using System.Net;
using StackExchange.Redis;

namespace HexProperty.Api.Tests;

/// <summary>A replica that starts while traffic is already flowing (a restart, a scale-out) must serve at once.</summary>
[Collection(ApiCollection.Name)]
public sealed class ColdStartTests(ApiFixture api)
{
    [Fact]
    public async Task A_replica_whose_first_requests_arrive_all_at_once_answers_every_one()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (propertyId, _) = await staff.CreateBookableUnitAsync();
        using var admin = await ConnectionMultiplexer.ConnectAsync(
            ConfigurationOptions.Parse(Environment.GetEnvironmentVariable("ConnectionStrings__cache") + ",allowAdmin=true"));
        var redis = admin.GetServer(admin.GetEndPoints()[0]);
        var before = ApiConnections(redis);
        var cold = api.StartApi();
        using var client = cold.CreateClient(); // the host has started; no request has asked for Redis yet

        Assert.True(ApiConnections(redis) > before, "the replica connects to Redis while it starts, not inside its first requests");

        // Regression: a blocking Redis connect inside a DI factory held the container's lock while 64 first
        // requests waited on it with every pool thread, and the replica never answered again.
        using var go = new ManualResetEventSlim();
        var requests = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            go.Wait();
            using var response = await client.GetAsync(new Uri($"/api/properties/{propertyId}", UriKind.Relative));
            return response.StatusCode;
        })).ToList();
        go.Set();

        var statuses = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    private static int ApiConnections(IServer redis) =>
        redis.ClientList().Count(c => c.Name == typeof(Program).Assembly.GetName().Name);
}

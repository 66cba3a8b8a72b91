using System.Net;
using Microsoft.AspNetCore.Hosting;

namespace HexProperty.Api.Tests;

/// <summary>An Api whose database cannot be reached answers 503 with Retry-After, and says so on /health.</summary>
[Collection(ApiCollection.Name)]
public sealed class DatabaseDownTests(ApiFixture api)
{
    [Fact]
    public async Task Reads_and_writes_get_503_with_Retry_After_and_health_says_the_database_is_down()
    {
        // Port 1 on this machine: nothing listens, so every connection is refused at once.
        using var instance = api.StartApi(configure: web => web.UseSetting("ConnectionStrings:hexdb", "Host=127.0.0.1;Port=1;Username=postgres;Password=x;Database=hexdb"));
        using var client = instance.CreateClient();

        var started = System.Diagnostics.Stopwatch.StartNew();
        var read = await client.GetAsync($"/api/properties/{Guid.NewGuid()}");
        var write = await client.PostJsonAsync("/api/bookings", Guest.Hold(Guid.NewGuid(), api.Clock.Today.AddDays(30), api.Clock.Today.AddDays(32)), Json.Key());
        var waited = started.Elapsed;
        var health = await client.GetAsync("/health");

        // Within the request's retry budget (3 retries at most 1 s apart), not EF Core's default minute of back-off each.
        // The bound is loose on purpose (a shared machine); the default took about 2 minutes for the two requests.
        Assert.True(waited < TimeSpan.FromSeconds(30), $"the two 503s took {waited}");

        foreach (var response in new[] { read, write })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
            Assert.Equal("https://hexproperty.dev/problems/unavailable", (string?)(await response.BodyAsync())["type"]);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }
}

using System.Net;
using HexProperty.Data.Persistence;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HexProperty.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class HoldExpiryTests(ApiFixture api)
{
    [Fact]
    public async Task A_lapsed_hold_frees_its_nights_at_once_and_can_no_longer_be_paid()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (propertyId, unitId) = await staff.CreateBookableUnitAsync();
        var checkIn = api.Clock.Today.AddDays(70);
        var client = api.Client();
        var email = $"slow-{Guid.NewGuid():N}@example.test";
        var hold = await Guest.HoldAsync(client, unitId, checkIn, checkIn.AddDays(3), email);
        var reference = (string)hold["reference"]!;
        Assert.Equal("Held", (string?)hold["status"]);

        api.Clock.Advance(TimeSpan.FromMinutes(16)); // past the 15-minute hold, and no sweeper has run

        var lookup = await (await client.GetAsync($"/api/bookings/{reference}?email={email}")).BodyAsync();
        var calendar = await (await client.GetAsync($"/api/properties/{propertyId}/availability?from={checkIn:yyyy-MM-dd}&months=1")).BodyAsync();
        var quote = await client.GetAsync($"/api/units/{unitId}/quote?checkIn={checkIn:yyyy-MM-dd}&checkOut={checkIn.AddDays(3):yyyy-MM-dd}&guests=2");
        var late = await client.PostJsonAsync($"/api/bookings/{reference}/payments", Guest.Card(email, (decimal)hold["total"]!), Json.Key());
        var other = await client.PostJsonAsync("/api/bookings", Guest.Hold(unitId, checkIn.AddDays(1), checkIn.AddDays(4)), Json.Key());

        Assert.Equal("Expired", (string?)lookup["status"]);
        Assert.Empty(calendar["units"]![0]!["unavailable"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, quote.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal("https://hexproperty.dev/problems/hold-expired", (string?)(await late.BodyAsync())["type"]);
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.Equal("Expired", await StatusInDatabaseAsync(reference)); // the new hold expired it on its way in
    }

    [Fact]
    public async Task The_sweeper_marks_lapsed_holds_expired_and_leaves_live_ones()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (propertyId, unitId) = await staff.CreateBookableUnitAsync();
        var checkIn = api.Clock.Today.AddDays(80);
        var client = api.Client();
        var lapsing = await Guest.HoldAsync(client, unitId, checkIn, checkIn.AddDays(2));
        api.Clock.Advance(TimeSpan.FromMinutes(10));
        var live = await Guest.HoldAsync(client, unitId, checkIn.AddDays(5), checkIn.AddDays(7));
        api.Clock.Advance(TimeSpan.FromMinutes(6));

        await using var dataSource = NpgsqlDataSource.Create(api.DatabaseConnectionString);
        var expired = await HoldExpiry.ExpireLapsedAsync(dataSource, api.Api.Services.GetRequiredService<HybridCache>(), api.Clock.GetUtcNow(), CancellationToken.None);

        // Ours, with the place whose cached calendars and searches it makes stale; holds other tests left to lapse are swept too.
        var freed = Assert.Single(expired, s => s.PropertyId == propertyId);
        Assert.Equal(("Lisbon", "PT", checkIn, checkIn.AddDays(2)), (freed.City, freed.Country, freed.CheckIn, freed.CheckOut));
        Assert.Equal("Expired", await StatusInDatabaseAsync((string)lapsing["reference"]!));
        Assert.Equal("Held", await StatusInDatabaseAsync((string)live["reference"]!));
        Assert.Empty(await HoldExpiry.ExpireLapsedAsync(dataSource, api.Api.Services.GetRequiredService<HybridCache>(), api.Clock.GetUtcNow(), CancellationToken.None));
    }

    private async Task<string> StatusInDatabaseAsync(string reference)
    {
        await using var connection = new NpgsqlConnection(api.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select status from bookings where reference = $1", connection) { Parameters = { new() { Value = reference } } };
        return (string)(await command.ExecuteScalarAsync())!;
    }
}

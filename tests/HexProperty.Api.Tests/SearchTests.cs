using System.Net;
using System.Text.Json.Nodes;

namespace HexProperty.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class SearchTests(ApiFixture api)
{
    /// <summary>Five properties in a city no other test uses, with known prices, sizes and amenities.</summary>
    private async Task<(string City, Dictionary<string, (Guid Property, Guid Unit)> Places)> CityAsync()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var city = "Search-" + Guid.NewGuid().ToString("N")[..8];
        var places = new Dictionary<string, (Guid, Guid)>();
        foreach (var (name, rate, capacity, amenities) in new[]
        {
            ("Delta", 80m, 2, new[] { "wifi" }),
            ("alpha", 150m, 4, new[] { "wifi", "pool" }),
            ("Charlie", 60m, 6, new[] { "pool" }),
            ("Bravo", 200m, 8, new[] { "wifi", "pool", "parking" }),
            ("Echo", 95m, 3, new[] { "wifi", "pool" }),
        })
        {
            var property = await staff.CreatePropertyAsync(city: city, amenities: amenities, name: name);
            places[name] = (property, await staff.CreateUnitAsync(property, rate: rate, capacity: capacity));
        }

        return (city, places);
    }

    private async Task<List<string>> NamesAsync(string query)
    {
        var page = await (await api.Client().GetAsync("/api/properties?" + query)).BodyAsync();
        return [.. page["items"]!.AsArray().Select(i => (string)i!["name"]!)];
    }

    [Fact]
    public async Task Results_are_filtered_by_guests_price_and_amenities_and_sorted_by_price_or_name()
    {
        var (city, _) = await CityAsync();

        Assert.Equal(["Charlie", "Delta", "Echo", "alpha", "Bravo"], await NamesAsync($"city={city}"));
        Assert.Equal(["Charlie", "Bravo"], await NamesAsync($"city={city.ToUpperInvariant()}&guests=5"));
        Assert.Equal(["Delta", "Echo"], await NamesAsync($"city={city}&minPrice=70&maxPrice=100"));
        Assert.Equal(["Echo", "alpha", "Bravo"], await NamesAsync($"city={city}&amenities=wifi,pool"));
        Assert.Equal(["alpha", "Bravo", "Charlie", "Delta", "Echo"], await NamesAsync($"city={city}&sort=name"));
    }

    [Fact]
    public async Task With_dates_a_unit_taken_for_any_of_the_nights_drops_out_and_comes_back_when_freed()
    {
        var (city, places) = await CityAsync();
        var checkIn = api.Clock.Today.AddDays(45);
        var booking = await Guest.BookAsync(api.Client(), places["Delta"].Unit, checkIn.AddDays(2), checkIn.AddDays(4));
        var dates = $"checkIn={checkIn:yyyy-MM-dd}&checkOut={checkIn.AddDays(3):yyyy-MM-dd}";

        var during = await NamesAsync($"city={city}&{dates}");
        var after = await NamesAsync($"city={city}&checkIn={checkIn.AddDays(4):yyyy-MM-dd}&checkOut={checkIn.AddDays(6):yyyy-MM-dd}");
        await api.Client().PostJsonAsync($"/api/bookings/{booking["reference"]}/cancel", new { email = (string)booking["guest"]!["email"]! });
        var freed = await NamesAsync($"city={city}&{dates}");

        Assert.DoesNotContain("Delta", during);
        Assert.Contains("Delta", after);
        Assert.Contains("Delta", freed);
    }

    [Theory]
    [InlineData("price")]
    [InlineData("name")]
    public async Task Keyset_pages_return_every_result_once_in_order(string sort)
    {
        var (city, _) = await CityAsync();
        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await (await api.Client().GetAsync($"/api/properties?city={city}&sort={sort}&limit=2" + (after is null ? "" : $"&after={after}"))).BodyAsync();
            seen.AddRange(page["items"]!.AsArray().Select(i => (string)i!["name"]!));
            after = (string?)page["next"];
            pages++;
        }
        while (after is not null);

        Assert.Equal(3, pages);
        Assert.Equal(await NamesAsync($"city={city}&sort={sort}"), seen);
    }

    [Fact]
    public async Task Inactive_properties_and_units_are_not_found_by_guests()
    {
        var (city, places) = await CityAsync();
        var staff = await StaffSession.SignUpAsync(api);
        var hidden = await staff.CreatePropertyAsync(city: city, name: "Hidden");
        await staff.CreateUnitAsync(hidden, rate: 10m);
        await staff.Client.DeleteAsync($"/api/staff/properties/{hidden}");

        Assert.DoesNotContain("Hidden", await NamesAsync($"city={city}"));
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client().GetAsync($"/api/properties/{hidden}")).StatusCode);
        var details = await (await api.Client().GetAsync($"/api/properties/{places["alpha"].Property}")).BodyAsync();
        Assert.Equal((string)places["alpha"].Unit.ToString(), (string?)details["units"]![0]!["id"]);
    }
}

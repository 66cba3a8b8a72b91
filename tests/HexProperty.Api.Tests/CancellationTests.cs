using System.Net;
using HexProperty.Data.Model;

namespace HexProperty.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class CancellationTests(ApiFixture api)
{
    [Theory]
    [InlineData(CancellationPolicy.Flexible, 2, 100)]
    [InlineData(CancellationPolicy.Flexible, 0, 0)]
    [InlineData(CancellationPolicy.Moderate, 10, 100)]
    [InlineData(CancellationPolicy.Moderate, 3, 50)]
    [InlineData(CancellationPolicy.Strict, 10, 50)]
    [InlineData(CancellationPolicy.Strict, 3, 0)]
    public async Task Cancelling_refunds_what_the_property_policy_allows_and_frees_the_nights(CancellationPolicy policy, int daysBefore, int percent)
    {
        var staff = await StaffSession.SignUpAsync(api);
        var property = await staff.CreatePropertyAsync(policy: policy, timeZone: "UTC");
        var unit = await staff.CreateUnitAsync(property, rate: 123.45m, cleaning: 30m);
        var checkIn = api.Clock.Today.AddDays(daysBefore);
        var client = api.Client();
        var email = $"cancel-{Guid.NewGuid():N}@example.test";
        var hold = await Guest.HoldAsync(client, unit, checkIn, checkIn.AddDays(2), email);
        var paid = await client.PostJsonAsync($"/api/bookings/{hold["reference"]}/payments", Guest.Card(email, (decimal)hold["total"]!), Json.Key());
        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);

        var cancelled = await client.PostJsonAsync($"/api/bookings/{hold["reference"]}/cancel", new { email });
        var again = await client.PostJsonAsync($"/api/bookings/{hold["reference"]}/cancel", new { email });
        var rebook = await client.PostJsonAsync("/api/bookings", Guest.Hold(unit, checkIn, checkIn.AddDays(2)), Json.Key());

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var body = await cancelled.BodyAsync();
        var total = 2 * 123.45m + 30m;
        Assert.Equal("Cancelled", (string?)body["status"]);
        Assert.Equal(percent, (int)body["refund"]!["percent"]!);
        Assert.Equal(Math.Round(total * percent / 100m, 2, MidpointRounding.AwayFromZero), (decimal)body["refund"]!["amount"]!);
        Assert.Equal(percent == 100 ? "Refunded" : percent > 0 ? "PartiallyRefunded" : "Succeeded", (string?)body["payment"]!["status"]);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("https://hexproperty.dev/problems/already-cancelled", (string?)(await again.BodyAsync())["type"]);
        Assert.Equal(HttpStatusCode.Created, rebook.StatusCode);
    }

    [Fact]
    public async Task Days_before_check_in_are_counted_in_the_property_time_zone()
    {
        // At 20:00 UTC it is already tomorrow in Tokyo (UTC+9): a Tokyo check-in "tomorrow" by UTC is today there.
        var staff = await StaffSession.SignUpAsync(api);
        var property = await staff.CreatePropertyAsync(policy: CancellationPolicy.Flexible, timeZone: "Asia/Tokyo", city: "Tokyo", country: "JP");
        var unit = await staff.CreateUnitAsync(property);
        var now = api.Clock.GetUtcNow();
        var tokyoToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo")).DateTime);
        var client = api.Client();
        var booking = await Guest.BookAsync(client, unit, tokyoToday, tokyoToday.AddDays(2));

        var cancelled = await (await client.PostJsonAsync($"/api/bookings/{booking["reference"]}/cancel", new { email = (string)booking["guest"]!["email"]! })).BodyAsync();

        Assert.Equal(0, (int)cancelled["refund"]!["percent"]!); // check-in day at the property: Flexible refunds nothing
    }

    [Fact]
    public async Task Only_a_confirmed_booking_can_be_cancelled()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (_, unit) = await staff.CreateBookableUnitAsync();
        var email = $"held-{Guid.NewGuid():N}@example.test";
        var hold = await Guest.HoldAsync(api.Client(), unit, api.Clock.Today.AddDays(30), api.Clock.Today.AddDays(32), email);

        var response = await api.Client().PostJsonAsync($"/api/bookings/{hold["reference"]}/cancel", new { email });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("https://hexproperty.dev/problems/not-cancellable", (string?)(await response.BodyAsync())["type"]);
    }
}

using System.Net;
using System.Net.Http.Json;
using HexProperty.Data.Model;

namespace HexProperty.Api.Tests;

/// <summary>
/// Every staff endpoint, called by another agency's owner with this agency's ids: the answer is 404 (or a list
/// without the agency's data), never the data, and nothing changes.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TenantIsolationTests(ApiFixture api)
{
    [Fact]
    public async Task Another_agency_sees_none_of_the_agency_data_and_changes_nothing()
    {
        var victim = await StaffSession.SignUpAsync(api);
        var property = await victim.CreatePropertyAsync(name: "Victim Villa");
        var unit = await victim.CreateUnitAsync(property);
        var rule = await victim.AddRuleAsync(unit, new { kind = RateRuleKind.WeekendUplift, name = "Weekend", percent = 10m });
        var blockResponse = await victim.Client.PostJsonAsync($"/api/staff/units/{unit}/blocks",
            new { kind = BlockKind.Maintenance, start = api.Clock.Today.AddDays(200), end = api.Clock.Today.AddDays(202), note = "paint" });
        var block = (Guid)(await blockResponse.BodyAsync())["id"]!;
        var booking = await Guest.BookAsync(api.Client(), unit, api.Clock.Today.AddDays(100), api.Clock.Today.AddDays(103));
        var bookingId = (Guid)(await (await victim.Client.GetAsync("/api/staff/bookings")).BodyAsync())["items"]![0]!["id"]!;
        var paymentId = (Guid)booking["payment"]!["id"]!;
        var staffUsers = await (await victim.Client.GetAsync("/api/staff/users")).BodyAsync();
        var ownerId = (Guid)staffUsers[0]!["id"]!;
        var photo = (Guid)(await (await victim.Client.PostAsync($"/api/staff/properties/{property}/photos", PhotoApiTests.Jpeg(7))).BodyAsync())["id"]!;

        var intruder = await StaffSession.SignUpAsync(api);
        var key = Json.Key;
        var propertyBody = new { name = "Stolen", type = PropertyType.House, addressLine = "x", city = "x", country = "PT", latitude = 0m, longitude = 0m, cancellationPolicy = CancellationPolicy.Flexible, currency = "EUR" };
        var unitBody = new { name = "x", capacity = 2, bedrooms = 1, baseNightlyRate = 1m, cleaningFee = 0m, minNights = 1, maxNights = 5 };
        var ruleBody = new { kind = RateRuleKind.WeekendUplift, name = "x", percent = 99m };
        var blockBody = new { kind = BlockKind.Owner, start = api.Clock.Today.AddDays(100), end = api.Clock.Today.AddDays(101) };
        (HttpMethod Method, string Url, object? Body)[] calls =
        [
            (HttpMethod.Get, $"/api/staff/properties/{property}", null),
            (HttpMethod.Put, $"/api/staff/properties/{property}", propertyBody),
            (HttpMethod.Delete, $"/api/staff/properties/{property}", null),
            (HttpMethod.Get, $"/api/staff/properties/{property}/units", null),
            (HttpMethod.Post, $"/api/staff/properties/{property}/units", unitBody),
            (HttpMethod.Get, $"/api/staff/units/{unit}", null),
            (HttpMethod.Put, $"/api/staff/units/{unit}", unitBody),
            (HttpMethod.Delete, $"/api/staff/units/{unit}", null),
            (HttpMethod.Get, $"/api/staff/units/{unit}/rate-rules", null),
            (HttpMethod.Post, $"/api/staff/units/{unit}/rate-rules", ruleBody),
            (HttpMethod.Get, $"/api/staff/rate-rules/{rule}", null),
            (HttpMethod.Put, $"/api/staff/rate-rules/{rule}", ruleBody),
            (HttpMethod.Delete, $"/api/staff/rate-rules/{rule}", null),
            (HttpMethod.Get, $"/api/staff/units/{unit}/blocks", null),
            (HttpMethod.Post, $"/api/staff/units/{unit}/blocks", blockBody),
            (HttpMethod.Get, $"/api/staff/blocks/{block}", null),
            (HttpMethod.Put, $"/api/staff/blocks/{block}", blockBody),
            (HttpMethod.Delete, $"/api/staff/blocks/{block}", null),
            (HttpMethod.Get, $"/api/staff/bookings/{bookingId}", null),
            (HttpMethod.Post, $"/api/staff/bookings/{bookingId}/cancel", null),
            (HttpMethod.Post, $"/api/staff/bookings/{bookingId}/check-in", null),
            (HttpMethod.Post, $"/api/staff/bookings/{bookingId}/check-out", null),
            (HttpMethod.Post, $"/api/staff/bookings/{bookingId}/payments", new { amount = 10m, currency = "EUR", method = PaymentMethod.Cash }),
            (HttpMethod.Post, "/api/staff/bookings", Guest.Hold(unit, api.Clock.Today.AddDays(300), api.Clock.Today.AddDays(302))),
            (HttpMethod.Get, $"/api/staff/payments/{paymentId}", null),
            (HttpMethod.Put, $"/api/staff/users/{ownerId}", new { displayName = "Hacked", role = StaffRole.Agent, active = false }),
            (HttpMethod.Get, $"/api/staff/properties/{property}/photos", null),
            (HttpMethod.Post, $"/api/staff/properties/{property}/photos", null),
            (HttpMethod.Delete, $"/api/staff/photos/{photo}", null),
        ];

        foreach (var (method, url, body) in calls)
        {
            using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body, options: Json.Options) };
            request.Headers.Add("Idempotency-Key", key());
            using var response = await intruder.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {url} answered {(int)response.StatusCode}: {text}");
            Assert.DoesNotContain("Victim Villa", text, StringComparison.Ordinal);
            Assert.DoesNotContain((string)booking["reference"]!, text, StringComparison.Ordinal);
        }

        // Lists show only the intruder's own (empty) data.
        foreach (var list in new[] { "/api/staff/properties", "/api/staff/bookings", "/api/staff/payments", "/api/staff/users" })
        {
            var text = await (await intruder.Client.GetAsync(list)).Content.ReadAsStringAsync();
            Assert.DoesNotContain(property.ToString(), text, StringComparison.Ordinal);
            Assert.DoesNotContain(bookingId.ToString(), text, StringComparison.Ordinal);
            Assert.DoesNotContain(ownerId.ToString(), text, StringComparison.Ordinal);
        }

        // And nothing of the victim's changed.
        var stillThere = await (await victim.Client.GetAsync($"/api/staff/properties/{property}")).BodyAsync();
        Assert.Equal("Victim Villa", (string?)stillThere["name"]);
        Assert.Equal("Active", (string?)stillThere["status"]);
        Assert.Equal("Confirmed", (string?)(await (await victim.Client.GetAsync($"/api/staff/bookings/{bookingId}")).BodyAsync())["status"]);
        Assert.True((bool)(await (await victim.Client.GetAsync($"/api/staff/units/{unit}")).BodyAsync())["active"]!);
        Assert.True((bool)(await (await victim.Client.GetAsync($"/api/staff/blocks/{block}")).BodyAsync())["active"]!);
        Assert.Single((await (await victim.Client.GetAsync($"/api/staff/units/{unit}/rate-rules")).BodyAsync()).AsArray());
        Assert.Equal("Owner", (string?)(await (await victim.Client.GetAsync("/api/staff/me")).BodyAsync())["role"]);
        Assert.Single((await (await victim.Client.GetAsync($"/api/staff/properties/{property}/photos")).BodyAsync()).AsArray());
    }

    [Fact]
    public async Task Staff_endpoints_require_a_signed_in_staff_member()
    {
        var anonymous = api.Client();

        foreach (var url in new[] { "/api/staff/properties", "/api/staff/bookings", "/api/staff/payments", "/api/staff/users", "/api/staff/me" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(url)).StatusCode);
        }

        anonymous.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/staff/properties")).StatusCode);
    }
}

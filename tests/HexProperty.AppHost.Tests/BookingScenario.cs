using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HexProperty.Hosting;
using HexProperty.Hosting.Testing;

namespace HexProperty.AppHost.Tests;

/// <summary>A guest's booking through the running Api: a new agency with one unit, a hold on it, and its payment.</summary>
internal static class BookingScenario
{
    public sealed record Hold(string Reference, decimal Total, string GuestEmail, string OwnerEmail);

    public static async Task<Hold> HoldAsync(DistributedApplication app)
    {
        using var api = app.CreateHttpClient("api");
        var email = $"owner-{Guid.NewGuid():N}@agency.test";
        var signUp = await api.PostAsJsonAsync("/api/agencies", new { agencyName = "E2E agency", ownerName = "Owner", email, password = "correct horse 42" });
        Assert.Equal(HttpStatusCode.Created, signUp.StatusCode);
        var signIn = await (await api.PostAsJsonAsync("/api/auth/sign-in", new { email, password = "correct horse 42" })).Content.ReadFromJsonAsync<JsonNode>();
        using var staff = app.CreateHttpClient("api");
        staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)signIn!["accessToken"]!);
        var property = await CreatedIdAsync(await staff.PostAsJsonAsync("/api/staff/properties", new
        {
            name = "E2E house",
            description = "",
            type = "House",
            addressLine = "1 Road",
            city = "Porto",
            country = "PT",
            latitude = 41.15m,
            longitude = -8.61m,
            amenities = new[] { "wifi" },
            photos = Array.Empty<string>(),
            cancellationPolicy = "Flexible",
            currency = "EUR",
            timeZone = "Europe/Lisbon",
        }));
        var unit = await CreatedIdAsync(await staff.PostAsJsonAsync($"/api/staff/properties/{property}/units", new
        {
            name = "Unit",
            capacity = 2,
            bedrooms = 1,
            baseNightlyRate = 90m,
            cleaningFee = 10m,
            minNights = 1,
            maxNights = 30,
        }));
        var guest = $"guest-{Guid.NewGuid():N}@example.test";
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(40);
        using var holdRequest = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = JsonContent.Create(new { unitId = unit, checkIn, checkOut = checkIn.AddDays(2), guests = 2, guest = new { fullName = "E2E Guest", email = guest } }),
        };
        holdRequest.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var hold = await (await api.SendAsync(holdRequest)).Content.ReadFromJsonAsync<JsonNode>();
        return new Hold((string)hold!["reference"]!, (decimal)hold["total"]!, guest, email);

    }

    /// <summary>Pays the hold, with <paramref name="traceId"/> as the trace the request belongs to.</summary>
    public static async Task PayAsync(DistributedApplication app, Hold hold, string traceId)
    {
        using var api = app.CreateHttpClient("api");
        using var pay = new HttpRequestMessage(HttpMethod.Post, $"/api/bookings/{hold.Reference}/payments")
        {
            Content = JsonContent.Create(new
            {
                email = hold.GuestEmail,
                amount = hold.Total,
                currency = "EUR",
                card = new { number = "4242424242424242", expiryMonth = 12, expiryYear = DateTime.UtcNow.Year + 3, cvc = "123", holderName = "E2E Guest" },
            }),
        };
        pay.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        pay.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        Assert.Equal(HttpStatusCode.Created, (await api.SendAsync(pay)).StatusCode);
    }

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (Guid)(await response.Content.ReadFromJsonAsync<JsonNode>())!["id"]!;
    }
}

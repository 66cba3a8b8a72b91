using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace HexProperty.AppHost.Tests;

/// <summary>A guest's booking through the running Api: a new agency with one unit, a hold on it, and its payment.</summary>
internal static class BookingScenario
{
    public const string Password = "correct horse 42";

    public sealed record Hold(string Reference, decimal Total, string GuestEmail, string OwnerEmail);

    /// <summary>A new agency (its owner signed in) with one property in <paramref name="city"/> and one unit for two guests.</summary>
    public sealed record Agency(string OwnerEmail, string Token, Guid PropertyId, Guid UnitId, string City);

    public static async Task<Hold> HoldAsync(DistributedApplication app) =>
        await HoldAsync(app, await AgencyAsync(app), DateOnly.FromDateTime(DateTime.UtcNow).AddDays(40));

    /// <summary>Makes a staff member a platform operator, a flag set in the database as an operator's is.</summary>
    public static async Task MakeOperatorAsync(DistributedApplication app, string email)
    {
        await using var database = Npgsql.NpgsqlDataSource.Create((await app.GetConnectionStringAsync("hexdb"))!);
        await using var command = database.CreateCommand("update staff_users set operator = true where email = $1");
        command.Parameters.AddWithValue(email);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    public static async Task<Agency> AgencyAsync(DistributedApplication app, string city = "Porto")
    {
        using var api = app.CreateHttpClient("api");
        var email = $"owner-{Guid.NewGuid():N}@agency.test";
        var signUp = await api.PostAsJsonAsync("/api/agencies", new { agencyName = "E2E agency", ownerName = "Owner", email, password = Password });
        Assert.Equal(HttpStatusCode.Created, signUp.StatusCode);
        var signIn = await (await api.PostAsJsonAsync("/api/auth/sign-in", new { email, password = Password })).Content.ReadFromJsonAsync<JsonNode>();
        var token = (string)signIn!["accessToken"]!;
        using var staff = app.CreateHttpClient("api");
        staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var property = await CreatedIdAsync(await staff.PostAsJsonAsync("/api/staff/properties", new
        {
            name = "E2E house",
            description = "",
            type = "House",
            addressLine = "1 Road",
            city,
            country = "PT",
            latitude = 41.15m,
            longitude = -8.61m,
            amenities = new[] { "wifi" },
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
        return new Agency(email, token, property, unit, city);
    }

    public static async Task<Hold> HoldAsync(DistributedApplication app, Agency agency, DateOnly checkIn, int nights = 2)
    {
        using var api = app.CreateHttpClient("api");
        var guest = $"guest-{Guid.NewGuid():N}@example.test";
        using var holdRequest = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = JsonContent.Create(new { unitId = agency.UnitId, checkIn, checkOut = checkIn.AddDays(nights), guests = 2, guest = new { fullName = "E2E Guest", email = guest } }),
        };
        holdRequest.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var response = await api.SendAsync(holdRequest);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var hold = await response.Content.ReadFromJsonAsync<JsonNode>();
        return new Hold((string)hold!["reference"]!, (decimal)hold["total"]!, guest, agency.OwnerEmail);
    }

    /// <summary>An HTTP client of the Api with the agency owner's bearer token.</summary>
    public static HttpClient StaffClient(DistributedApplication app, Agency agency)
    {
        var client = app.CreateHttpClient("api");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", agency.Token);
        return client;
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

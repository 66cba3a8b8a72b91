using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using HexProperty.Data.Model;

namespace HexProperty.Api.Tests;

/// <summary>A freshly signed-up agency with its owner signed in, and helpers to build its catalogue through the Api.</summary>
public sealed class StaffSession(ApiFixture fixture, HttpClient client, Guid agencyId, string email, string password)
{
    public HttpClient Client { get; } = client;

    public Guid AgencyId { get; } = agencyId;

    public string Email { get; } = email;

    public string Password { get; } = password;

    public static async Task<StaffSession> SignUpAsync(ApiFixture fixture)
    {
        var client = fixture.Client();
        var email = $"owner-{Guid.NewGuid():N}@agency.test";
        const string Password = "correct horse 42";
        var signUp = await client.PostJsonAsync("/api/agencies", new { agencyName = "Agency " + email[6..14], ownerName = "Owner", email, password = Password });
        Assert.Equal(HttpStatusCode.Created, signUp.StatusCode);
        var agencyId = (Guid)(await signUp.BodyAsync())["id"]!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await SignInAsync(client, email, Password));
        return new StaffSession(fixture, client, agencyId, email, Password);
    }

    public static async Task<string> SignInAsync(HttpClient client, string email, string password)
    {
        var response = await client.PostJsonAsync("/api/auth/sign-in", new { email, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)(await response.BodyAsync())["accessToken"]!;
    }

    /// <summary>
    /// Makes the owner a platform operator (a flag set in the database, as an operator's is) and returns a client
    /// signed in as one. The replicas are told at once, so the test need not wait out their access recheck.
    /// </summary>
    public async Task<HttpClient> OperatorAsync()
    {
        await using (var dataSource = Npgsql.NpgsqlDataSource.Create(fixture.DatabaseConnectionString))
        await using (var command = dataSource.CreateCommand("update staff_users set operator = true where email = $1 returning id"))
        {
            command.Parameters.AddWithValue(Email);
            fixture.ForgetStaffAccess((Guid)(await command.ExecuteScalarAsync())!);
        }

        var client = fixture.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await SignInAsync(client, Email, Password));
        return client;
    }

    /// <summary>Adds a staff member with <paramref name="role"/> and returns a client signed in as them.</summary>
    public async Task<HttpClient> AddStaffAsync(StaffRole role)
    {
        var email = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}@agency.test";
        var added = await Client.PostJsonAsync("/api/staff/users", new { email, displayName = role.ToString(), role, password = Password });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var client = fixture.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await SignInAsync(client, email, Password));
        return client;
    }

    public async Task<Guid> CreatePropertyAsync(
        string city = "Lisbon", string country = "PT", CancellationPolicy policy = CancellationPolicy.Moderate, string timeZone = "Europe/Lisbon",
        string[]? amenities = null, string? name = null, string currency = "EUR")
    {
        var response = await Client.PostJsonAsync("/api/staff/properties", new
        {
            name = name ?? "Property " + Guid.NewGuid().ToString("N")[..6],
            description = "A test property",
            type = PropertyType.Apartment,
            addressLine = "Rua Direita 1",
            city,
            country,
            latitude = 38.71m,
            longitude = -9.14m,
            amenities = amenities ?? ["wifi"],
            cancellationPolicy = policy,
            currency,
            timeZone,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (Guid)(await response.BodyAsync())["id"]!;
    }

    public async Task<Guid> CreateUnitAsync(Guid propertyId, decimal rate = 100m, decimal cleaning = 50m, int capacity = 4, int minNights = 1, int maxNights = 30)
    {
        var response = await Client.PostJsonAsync($"/api/staff/properties/{propertyId}/units", new
        {
            name = "Unit " + Guid.NewGuid().ToString("N")[..6],
            capacity,
            bedrooms = 2,
            baseNightlyRate = rate,
            cleaningFee = cleaning,
            minNights,
            maxNights,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (Guid)(await response.BodyAsync())["id"]!;
    }

    public async Task<Guid> AddRuleAsync(Guid unitId, object rule)
    {
        var response = await Client.PostJsonAsync($"/api/staff/units/{unitId}/rate-rules", rule);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (Guid)(await response.BodyAsync())["id"]!;
    }

    /// <summary>A unit ready to book: a property with one unit.</summary>
    public async Task<(Guid PropertyId, Guid UnitId)> CreateBookableUnitAsync(CancellationPolicy policy = CancellationPolicy.Moderate, decimal rate = 100m)
    {
        var property = await CreatePropertyAsync(policy: policy);
        return (property, await CreateUnitAsync(property, rate));
    }
}

/// <summary>A guest's side of a booking, through the public endpoints.</summary>
public static class Guest
{
    public static object Hold(Guid unitId, DateOnly checkIn, DateOnly checkOut, string? email = null, int guests = 2, decimal? expectedTotal = null) => new
    {
        unitId,
        checkIn,
        checkOut,
        guests,
        expectedTotal,
        guest = new { fullName = "Test Guest", email = email ?? $"guest-{Guid.NewGuid():N}@example.test", phone = "+351 900 000 000" },
    };

    public static object Card(string email, decimal amount, string number = "4242424242424242", string currency = "EUR") => new
    {
        email,
        amount,
        currency,
        card = new { number, expiryMonth = 12, expiryYear = DateTime.UtcNow.Year + 3, cvc = "123", holderName = "Test Guest" },
    };

    public static async Task<JsonNode> HoldAsync(HttpClient client, Guid unitId, DateOnly checkIn, DateOnly checkOut, string? email = null)
    {
        var response = await client.PostJsonAsync("/api/bookings", Hold(unitId, checkIn, checkOut, email), Json.Key());
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"hold answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.BodyAsync();
    }

    /// <summary>Holds and pays: a confirmed booking.</summary>
    public static async Task<JsonNode> BookAsync(HttpClient client, Guid unitId, DateOnly checkIn, DateOnly checkOut)
    {
        var email = $"guest-{Guid.NewGuid():N}@example.test";
        var hold = await HoldAsync(client, unitId, checkIn, checkOut, email);
        var paid = await client.PostJsonAsync($"/api/bookings/{hold["reference"]}/payments", Card(email, (decimal)hold["total"]!), Json.Key());
        Assert.True(paid.StatusCode == HttpStatusCode.Created, $"payment answered {(int)paid.StatusCode}: {await paid.Content.ReadAsStringAsync()}");
        return await paid.BodyAsync();
    }
}

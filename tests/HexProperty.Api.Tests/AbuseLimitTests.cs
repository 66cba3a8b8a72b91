using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HexProperty.Api.Tests;

/// <summary>
/// The abuse limits as shipped (appsettings.json), on an Api instance of their own: each is a 429 ProblemDetails with
/// Retry-After, counted per client address, which is the balancer's X-Forwarded-For only when the balancer sent it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AbuseLimitTests(ApiFixture api)
{
    private const int SignInLimit = 10; // RateLimits:sign-in:PermitLimit per minute

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string? from = null, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/sign-in") { Content = JsonContent.Create(new { email, password }) };
        if (from is not null)
        {
            request.Headers.Add(ClientAddressFilter.Header, from);
        }

        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return client.SendAsync(request);
    }

    private WebApplicationFactory<Program> Shipped() => api.StartApi(shippedLimits: true);

    [Fact]
    public async Task Wrong_passwords_from_one_address_throttle_that_address_and_never_lock_the_owner_out_elsewhere()
    {
        var owner = await StaffSession.SignUpAsync(api);
        using var client = Shipped().CreateClient();

        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < SignInLimit; i++)
        {
            guesses.Add((await SignInAsync(client, owner.Email, $"guess {i} wrong", from: "203.0.113.10")).StatusCode);
        }

        var throttled = await SignInAsync(client, owner.Email, owner.Password, from: "203.0.113.10");
        var ownerElsewhere = await SignInAsync(client, owner.Email, owner.Password, from: "198.51.100.20");

        Assert.All(guesses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("application/problem+json", throttled.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("/too-many-requests", (string?)(await throttled.BodyAsync())["type"]);
        Assert.InRange(int.Parse(throttled.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Equal(HttpStatusCode.OK, ownerElsewhere.StatusCode);
    }

    [Fact]
    public async Task The_forwarded_address_counts_only_when_the_balancer_sent_it()
    {
        using var client = Shipped().CreateClient();
        var email = $"nobody-{Guid.NewGuid():N}@agency.test";

        // From the balancer (loopback, the default known proxy): each forwarded client has its own allowance.
        for (var i = 0; i < SignInLimit; i++)
        {
            await SignInAsync(client, email, "wrong password 9", from: "127.0.0.1", forwardedFor: "192.0.2.1");
        }

        var sameClient = await SignInAsync(client, email, "wrong password 9", from: "127.0.0.1", forwardedFor: "192.0.2.1");
        var otherClient = await SignInAsync(client, email, "wrong password 9", from: "127.0.0.1", forwardedFor: "192.0.2.2");

        // From anywhere else, a forwarded header is the client's own writing: ignored, so changing it buys nothing.
        var direct = new List<HttpStatusCode>();
        for (var i = 0; i <= SignInLimit; i++)
        {
            direct.Add((await SignInAsync(client, email, "wrong password 9", from: "203.0.113.77", forwardedFor: $"192.0.2.{100 + i}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, sameClient.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherClient.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, direct[^1]);
        Assert.All(direct[..^1], s => Assert.Equal(HttpStatusCode.Unauthorized, s));
    }

    [Fact]
    public async Task Guesses_at_one_booking_reference_are_limited_whichever_addresses_they_come_from()
    {
        using var client = Shipped().CreateClient();
        var reference = "HX" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i <= 20; i++) // RateLimits:booking-lookup:PermitLimit is 20 per minute
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/api/bookings/{reference}?email=guess{i}@example.test");
            request.Headers.Add(ClientAddressFilter.Header, $"203.0.113.{i + 1}");
            answers.Add((await client.SendAsync(request)).StatusCode);
        }

        Assert.All(answers[..^1], s => Assert.Equal(HttpStatusCode.NotFound, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
    }
}

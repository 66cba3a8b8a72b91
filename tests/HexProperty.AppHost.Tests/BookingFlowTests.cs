using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HexProperty.Hosting.Testing;
using Npgsql;
using OpenTelemetry.Proto.Trace.V1;

namespace HexProperty.AppHost.Tests;

/// <summary>The whole system at work: a booking paid through the Api reaches the Worker as one event, in one trace.</summary>
public sealed partial class PlatformTests
{
    [Fact]
    public async Task A_paid_booking_is_one_event_through_the_Worker_one_notification_per_staff_member_and_one_trace()
    {
        using var api = App.CreateHttpClient("api");
        var email = $"owner-{Guid.NewGuid():N}@agency.test";
        var signUp = await api.PostAsJsonAsync("/api/agencies", new { agencyName = "E2E agency", ownerName = "Owner", email, password = "correct horse 42" });
        Assert.Equal(HttpStatusCode.Created, signUp.StatusCode);
        var signIn = await (await api.PostAsJsonAsync("/api/auth/sign-in", new { email, password = "correct horse 42" })).Content.ReadFromJsonAsync<JsonNode>();
        using var staff = App.CreateHttpClient("api");
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

        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var pay = new HttpRequestMessage(HttpMethod.Post, $"/api/bookings/{hold!["reference"]}/payments")
        {
            Content = JsonContent.Create(new
            {
                email = guest,
                amount = (decimal)hold["total"]!,
                currency = "EUR",
                card = new { number = "4242424242424242", expiryMonth = 12, expiryYear = DateTime.UtcNow.Year + 3, cvc = "123", holderName = "E2E Guest" },
            }),
        };
        pay.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        pay.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        Assert.Equal(HttpStatusCode.Created, (await api.SendAsync(pay)).StatusCode);

        // One trace: the payment request, the relay's publish and the Worker's handling of the event.
        var request = await SpanAsync(s => s.TraceId == traceId && s.Service == "api" && s.Span.Kind == Span.Types.SpanKind.Server);
        var publish = await SpanAsync(s => s.TraceId == traceId && s.Span.Kind == Span.Types.SpanKind.Producer && s.Span.Name == "booking.confirmed publish");
        var handled = await SpanAsync(s => s.TraceId == traceId && s.Service == "worker" && s.Span.Kind == Span.Types.SpanKind.Consumer && s.Span.Name == "booking.confirmed process");
        // The client library's own publish span may sit between the relay's and the consumer's.
        Assert.Contains(publish.SpanId, Ancestors(handled));
        Assert.Contains(request.SpanId, Ancestors(publish));
        Assert.True(request.Span.StartTimeUnixNano < handled.Span.StartTimeUnixNano);

        // Exactly one notification of the kind for the owner, however many deliveries there were.
        await using var database = NpgsqlDataSource.Create(await App.GetConnectionStringAsync("hexdb"));
        await using var count = database.CreateCommand("""
            select count(*) from notifications n join staff_users s on s.id = n.user_id where s.email = $1 and n.kind = 'booking-confirmed'
            """);
        count.Parameters.AddWithValue(email);
        var waited = Stopwatch.StartNew();
        while ((long)(await count.ExecuteScalarAsync())! == 0 && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100); // the handler's transaction commits just after its span starts
        }

        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }

    private List<string> Ancestors(ReceivedSpan span)
    {
        var spans = platform.Telemetry.Spans.Where(s => s.TraceId == span.TraceId).ToDictionary(s => s.SpanId);
        var ancestors = new List<string>();
        for (var parent = span.ParentSpanId; spans.TryGetValue(parent, out var next) && ancestors.Count < 20; parent = next.ParentSpanId)
        {
            ancestors.Add(parent);
        }

        return ancestors;
    }

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (Guid)(await response.Content.ReadFromJsonAsync<JsonNode>())!["id"]!;
    }
}

using System.Net;
using System.Text.Json;
using HexProperty.Data.Messaging;

namespace HexProperty.Api.Tests;

/// <summary>Each booking change writes exactly one integration event, in its own transaction: none when the change fails.</summary>
[Collection(ApiCollection.Name)]
public sealed class OutboxTests(ApiFixture api)
{
    [Fact]
    public async Task A_hold_its_payment_and_its_cancellation_each_write_exactly_one_event_and_a_refused_hold_none()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (_, unitId) = await staff.CreateBookableUnitAsync();
        var client = api.Client();
        var checkIn = api.Clock.Today.AddDays(40);

        var email = $"guest-{Guid.NewGuid():N}@example.test";
        var held = await Guest.HoldAsync(client, unitId, checkIn, checkIn.AddDays(3), email);
        var reference = (string)held["reference"]!;
        var paid = await client.PostJsonAsync($"/api/bookings/{reference}/payments", Guest.Card(email, (decimal)held["total"]!), Json.Key());
        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        var refused = await client.PostJsonAsync("/api/bookings", Guest.Hold(unitId, checkIn.AddDays(1), checkIn.AddDays(2)), Json.Key());
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var cancelled = await client.PostJsonAsync($"/api/bookings/{reference}/cancel", new { email, reason = "plans changed" });
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);

        var events = await EventsOfUnitAsync(unitId);
        Assert.Equal([BookingHeld.Name, BookingConfirmed.Name, BookingCancelled.Name], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal(reference, FactsOf(e).Reference));
        Assert.Equal((decimal)held["total"]!, Assert.IsType<BookingConfirmed>(events[1]).Amount);
        Assert.Equal(3, events.Select(e => e.Id).Distinct().Count());
    }

    private static BookingFacts FactsOf(IntegrationEvent integrationEvent) => integrationEvent switch
    {
        BookingHeld e => e.Booking,
        BookingConfirmed e => e.Booking,
        BookingCancelled e => e.Booking,
        HoldExpired e => e.Booking,
        _ => throw new InvalidOperationException(integrationEvent.Type),
    };

    private async Task<List<IntegrationEvent>> EventsOfUnitAsync(Guid unitId)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(api.DatabaseConnectionString);
        await using var command = dataSource.CreateCommand("select payload::text from outbox_messages where payload -> 'booking' ->> 'unitId' = $1 order by sequence");
        command.Parameters.AddWithValue(unitId.ToString());
        var events = new List<IntegrationEvent>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            events.Add(JsonSerializer.Deserialize(reader.GetString(0), IntegrationEventJson.Default.IntegrationEvent)!);
        }

        return events;
    }
}

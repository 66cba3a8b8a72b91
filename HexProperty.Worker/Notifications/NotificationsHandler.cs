using System.Globalization;
using System.Text.Json;
using HexProperty.Data.Messaging;
using HexProperty.Messaging;
using Npgsql;

namespace HexProperty.Worker.Notifications;

/// <summary>
/// Turns booking events into notifications for every active staff user of the agency, for the site to list. One row per
/// user, event and kind (a unique constraint), so even a handler that ran twice could not notify twice.
/// </summary>
public sealed class NotificationsHandler(TimeProvider time) : IIntegrationEventHandler
{
    public string Consumer => "worker.notifications";

    public IReadOnlyList<string> Bindings { get; } = [BookingConfirmed.Name, BookingCancelled.Name, HoldExpired.Name];

    public async Task HandleAsync(IncomingEvent incoming, CancellationToken cancellationToken)
    {
        var integrationEvent = JsonSerializer.Deserialize(incoming.Body.Span, IntegrationEventJson.Default.IntegrationEvent)
            ?? throw new PoisonEventException("an empty event");
        foreach (var (kind, title, body, booking) in Notifications(integrationEvent))
        {
            await using var insert = new NpgsqlCommand("""
                insert into notifications (id, agency_id, user_id, kind, title, body, booking_id, event_id, created_at)
                select gen_random_uuid(), s.agency_id, s.id, $2, $3, $4, $5, $6, $7
                from staff_users s where s.agency_id = $1 and s.active
                on conflict do nothing
                """, incoming.Connection, incoming.Transaction);
            insert.Parameters.AddWithValue(booking.AgencyId);
            insert.Parameters.AddWithValue(kind);
            insert.Parameters.AddWithValue(title);
            insert.Parameters.AddWithValue(body);
            insert.Parameters.AddWithValue(booking.BookingId);
            insert.Parameters.AddWithValue(incoming.Id);
            insert.Parameters.AddWithValue(time.GetUtcNow());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static IEnumerable<(string Kind, string Title, string Body, BookingFacts Booking)> Notifications(IntegrationEvent integrationEvent)
    {
        var culture = CultureInfo.InvariantCulture;
        switch (integrationEvent)
        {
            case BookingConfirmed confirmed:
                var b = confirmed.Booking;
                yield return ("booking-confirmed", $"Booking {b.Reference} confirmed", string.Create(culture, $"{b.CheckIn:yyyy-MM-dd} to {b.CheckOut:yyyy-MM-dd}, {b.Total} {b.Currency}."), b);
                yield return ("payment-received", $"Payment for {b.Reference}", string.Create(culture, $"{confirmed.Amount} {b.Currency} by {confirmed.Method}."), b);
                break;
            case BookingCancelled cancelled:
                var c = cancelled.Booking;
                yield return ("booking-cancelled", $"Booking {c.Reference} cancelled", string.Create(culture, $"{c.CheckIn:yyyy-MM-dd} to {c.CheckOut:yyyy-MM-dd}; refunded {cancelled.Refunded} {c.Currency} ({cancelled.Percent} %)."), c);
                break;
            case HoldExpired expired:
                var h = expired.Booking;
                yield return ("hold-expired", $"Hold {h.Reference} expired", string.Create(culture, $"{h.CheckIn:yyyy-MM-dd} to {h.CheckOut:yyyy-MM-dd} are free again."), h);
                break;
        }
    }
}

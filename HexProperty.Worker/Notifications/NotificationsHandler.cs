using System.Globalization;
using System.Text.Json;
using HexProperty.Data.Messaging;
using HexProperty.Messaging;
using Npgsql;

namespace HexProperty.Worker.Notifications;

/// <summary>
/// Turns events into notifications for the site to list: booking events for every active staff user of the agency, a
/// finished job for the user who started it. One row per user, event and kind (a unique constraint), so even a handler
/// that ran twice could not notify twice. Guests get an email when their booking is confirmed or cancelled, the user an
/// email when an export is ready; a message's id is the event's, so a redelivery rewrites rather than resends it.
/// A monitoring alert that fires or resolves notifies every active platform operator, and a critical one emails them.
/// </summary>
public sealed class NotificationsHandler(IEmailSender email, TimeProvider time) : IIntegrationEventHandler
{
    public string Consumer => KnownConsumers.Notifications;

    public IReadOnlyList<string> Bindings { get; } = [BookingConfirmed.Name, BookingCancelled.Name, HoldExpired.Name, JobFinished.Name, AlertChanged.Name];

    private sealed record Note(string Kind, string Title, string Body, Guid AgencyId, Guid? UserId, Guid? BookingId);

    public async Task HandleAsync(IncomingEvent incoming, CancellationToken cancellationToken)
    {
        var integrationEvent = JsonSerializer.Deserialize(incoming.Body.Span, IntegrationEventJson.Default.IntegrationEvent)
            ?? throw new PoisonEventException("an empty event");
        if (integrationEvent is AlertChanged alert)
        {
            await NotifyOperatorsAsync(alert, incoming, cancellationToken);
            return;
        }

        foreach (var note in Notes(integrationEvent))
        {
            await using var insert = new NpgsqlCommand("""
                insert into notifications (id, agency_id, user_id, kind, title, body, booking_id, event_id, created_at)
                select gen_random_uuid(), s.agency_id, s.id, $2, $3, $4, $5, $6, $7
                from staff_users s where s.agency_id = $1 and s.active and ($8::uuid is null or s.id = $8)
                on conflict do nothing
                """, incoming.Connection, incoming.Transaction);
            insert.Parameters.AddWithValue(note.AgencyId);
            insert.Parameters.AddWithValue(note.Kind);
            insert.Parameters.AddWithValue(note.Title);
            insert.Parameters.AddWithValue(note.Body);
            insert.Parameters.AddWithValue((object?)note.BookingId ?? DBNull.Value);
            insert.Parameters.AddWithValue(incoming.Id);
            insert.Parameters.AddWithValue(time.GetUtcNow());
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)note.UserId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        if (await EmailAsync(integrationEvent, incoming, cancellationToken) is { } message)
        {
            await email.SendAsync(message, cancellationToken);
        }
    }

    /// <summary>Operators belong to agencies but watch the platform: each active one gets the note, and the email when it is critical.</summary>
    private async Task NotifyOperatorsAsync(AlertChanged alert, IncomingEvent incoming, CancellationToken cancellationToken)
    {
        var firing = alert.Status == "firing";
        var title = firing ? $"Alert {alert.AlertName} ({alert.Severity}) is firing" : $"Alert {alert.AlertName} resolved";
        var body = string.Create(CultureInfo.InvariantCulture, $"{alert.Summary} Since {alert.StartsAt:yyyy-MM-dd HH:mm:ss} UTC. See the operations page.");
        var operators = new List<(Guid Id, string Email)>();
        await using (var insert = new NpgsqlCommand("""
            insert into notifications (id, agency_id, user_id, kind, title, body, event_id, created_at)
            select gen_random_uuid(), s.agency_id, s.id, $1, $2, $3, $4, $5
            from staff_users s where s.operator and s.active
            on conflict do nothing
            """, incoming.Connection, incoming.Transaction))
        {
            insert.Parameters.AddWithValue(firing ? "alert-firing" : "alert-resolved");
            insert.Parameters.AddWithValue(title);
            insert.Parameters.AddWithValue(body);
            insert.Parameters.AddWithValue(incoming.Id);
            insert.Parameters.AddWithValue(time.GetUtcNow());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        if (alert.Severity != "critical")
        {
            return;
        }

        await using (var read = new NpgsqlCommand("select id, email from staff_users where operator and active", incoming.Connection, incoming.Transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                operators.Add((reader.GetGuid(0), reader.GetString(1)));
            }
        }

        foreach (var (id, to) in operators)
        {
            await email.SendAsync(new EmailMessage($"{incoming.Id}-{id}", to, title, $"{body}\n\nHexProperty monitoring"), cancellationToken);
        }
    }

    private static IEnumerable<Note> Notes(IntegrationEvent integrationEvent)
    {
        var culture = CultureInfo.InvariantCulture;
        switch (integrationEvent)
        {
            case BookingConfirmed confirmed:
                var b = confirmed.Booking;
                yield return new("booking-confirmed", $"Booking {b.Reference} confirmed", string.Create(culture, $"{b.CheckIn:yyyy-MM-dd} to {b.CheckOut:yyyy-MM-dd}, {b.Total} {b.Currency}."), b.AgencyId, null, b.BookingId);
                yield return new("payment-received", $"Payment for {b.Reference}", string.Create(culture, $"{confirmed.Amount} {b.Currency} by {confirmed.Method}."), b.AgencyId, null, b.BookingId);
                break;
            case BookingCancelled cancelled:
                var c = cancelled.Booking;
                yield return new("booking-cancelled", $"Booking {c.Reference} cancelled", string.Create(culture, $"{c.CheckIn:yyyy-MM-dd} to {c.CheckOut:yyyy-MM-dd}; refunded {cancelled.Refunded} {c.Currency} ({cancelled.Percent} %)."), c.AgencyId, null, c.BookingId);
                break;
            case HoldExpired expired:
                var h = expired.Booking;
                yield return new("hold-expired", $"Hold {h.Reference} expired", string.Create(culture, $"{h.CheckIn:yyyy-MM-dd} to {h.CheckOut:yyyy-MM-dd} are free again."), h.AgencyId, null, h.BookingId);
                break;
            case JobFinished { JobType: "export", Status: "Succeeded" } export:
                yield return new("export-ready", "Your export is ready", string.Create(culture, $"{export.FileName}: {export.RowsDone:N0} rows. Download it from Exports."), export.AgencyId, export.UserId, null);
                break;
            case JobFinished job:
                yield return new("job-finished", $"Your {job.JobType} job {job.Status.ToLowerInvariant()}", job.Error ?? string.Create(culture, $"{job.RowsDone:N0} rows."), job.AgencyId, job.UserId, null);
                break;
        }
    }

    /// <summary>The email an event sends, if any, addressed from the database in the handler's transaction.</summary>
    private static async Task<EmailMessage?> EmailAsync(IntegrationEvent integrationEvent, IncomingEvent incoming, CancellationToken cancellationToken)
    {
        var culture = CultureInfo.InvariantCulture;
        switch (integrationEvent)
        {
            case BookingConfirmed { Booking: var b }:
                return await GuestAsync(b.BookingId) is { } guest
                    ? new(incoming.Id.ToString(), guest.Email, $"Your booking {b.Reference} is confirmed",
                        string.Create(culture, $"Dear {guest.Name},\n\nyour stay from {b.CheckIn:yyyy-MM-dd} to {b.CheckOut:yyyy-MM-dd} is confirmed.\nTotal paid: {b.Total} {b.Currency}.\nReference: {b.Reference}\n\nHexProperty"))
                    : null;
            case BookingCancelled { Booking: var c } cancelled:
                return await GuestAsync(c.BookingId) is { } cancelledGuest
                    ? new(incoming.Id.ToString(), cancelledGuest.Email, $"Your booking {c.Reference} is cancelled",
                        string.Create(culture, $"Dear {cancelledGuest.Name},\n\nyour stay from {c.CheckIn:yyyy-MM-dd} to {c.CheckOut:yyyy-MM-dd} is cancelled.\nRefund: {cancelled.Refunded} {c.Currency} ({cancelled.Percent} %).\n\nHexProperty"))
                    : null;
            case JobFinished { JobType: "export", Status: "Succeeded" } export:
                await using (var staff = new NpgsqlCommand("select email from staff_users where id = $1 and active", incoming.Connection, incoming.Transaction))
                {
                    staff.Parameters.AddWithValue(export.UserId);
                    return await staff.ExecuteScalarAsync(cancellationToken) is string to
                        ? new(incoming.Id.ToString(), to, "Your export is ready", string.Create(culture, $"{export.FileName} ({export.RowsDone:N0} rows) is ready to download from Exports.\n\nHexProperty"))
                        : null;
                }

            default:
                return null;
        }

        async Task<(string Email, string Name)?> GuestAsync(Guid bookingId)
        {
            await using var read = new NpgsqlCommand("select g.email, g.full_name from bookings b join guests g on g.id = b.guest_id where b.id = $1", incoming.Connection, incoming.Transaction);
            read.Parameters.AddWithValue(bookingId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetString(1)) : null;
        }
    }
}

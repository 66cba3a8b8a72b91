using System.Diagnostics;
using System.Text.Json;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Npgsql;

namespace HexProperty.Data.Messaging;

/// <summary>An integration event waiting in the outbox (table outbox_messages) until the relay has published it.</summary>
public sealed class OutboxMessage
{
    /// <summary>Commit order as the database assigns it; the relay publishes in this order.</summary>
    public long Sequence { get; set; }

    public Guid Id { get; set; }

    public required string Type { get; set; }

    /// <summary>The event as JSON (jsonb).</summary>
    public required string Payload { get; set; }

    /// <summary>The W3C trace context of the request that caused the event, so the trace continues in the consumers.</summary>
    public string? TraceParent { get; set; }

    public string? TraceState { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>Null: the exchange, routed by type to every subscriber. A queue name: that consumer only (a replay).</summary>
    public string? Destination { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }
}

public static class Outbox
{
    /// <summary>
    /// Adds the event to the context's changes: it is saved by the same SaveChanges, in the same transaction, as the
    /// change it reports, and carries the current trace context.
    /// </summary>
    public static void Add(HexDbContext db, IntegrationEvent integrationEvent) => db.Outbox.Add(Message(integrationEvent));

    public static OutboxMessage Message(IntegrationEvent integrationEvent) => new()
    {
        Id = integrationEvent.Id,
        Type = integrationEvent.Type,
        Payload = JsonSerializer.Serialize(integrationEvent, IntegrationEventJson.Default.IntegrationEvent),
        TraceParent = Activity.Current?.Id,
        TraceState = Activity.Current?.TraceStateString,
        OccurredAt = integrationEvent.OccurredAt,
    };

    /// <summary>Writes events to the outbox in the caller's transaction (for writers that use SQL rather than the context).</summary>
    public static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<IntegrationEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        var messages = events.Select(Message).ToList();
        await using var command = new NpgsqlCommand("""
            insert into outbox_messages (id, type, payload, trace_parent, trace_state, occurred_at)
            select * from unnest($1::uuid[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::timestamptz[])
            """, connection, transaction);
        command.Parameters.AddWithValue(messages.Select(m => m.Id).ToArray());
        command.Parameters.AddWithValue(messages.Select(m => m.Type).ToArray());
        command.Parameters.AddWithValue(messages.Select(m => m.Payload).ToArray());
        command.Parameters.AddWithValue(messages.Select(m => m.TraceParent).ToArray());
        command.Parameters.AddWithValue(messages.Select(m => m.TraceState).ToArray());
        command.Parameters.AddWithValue(messages.Select(m => m.OccurredAt).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The facts every booking event carries.</summary>
    public static BookingFacts Facts(Booking booking) => new(
        booking.Id, booking.Reference, booking.AgencyId, booking.PropertyId, booking.UnitId, booking.CheckIn, booking.CheckOut, booking.Total, booking.Currency);
}

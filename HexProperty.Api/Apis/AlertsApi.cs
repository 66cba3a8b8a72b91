using System.Text.Json;
using HexProperty.Api.Contracts;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Data.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace HexProperty.Api.Apis;

/// <summary>
/// Alerts: Alertmanager posts what Prometheus' rules fired and resolved (with the bearer token the AppHost gives both,
/// <see cref="AlertmanagerAuthentication"/>); the Api keeps one row per episode and tells operators of each change through the
/// outbox (the Worker notifies them). Operators list what fires now and the history, and acknowledge.
/// </summary>
public static class AlertsApi
{
    /// <summary>Alertmanager signs in with its own token (<see cref="AlertmanagerAuthentication"/>), checked before
    /// the body is read: a caller without it gets a 401, whatever it sent.</summary>
    public static IEndpointRouteBuilder MapAlertmanagerWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/ops/alerts/notify", NotifyAsync).RequireAuthorization(AlertmanagerAuthentication.Policy).GuardInput().Validate<AlertmanagerNotification>()
            .WithTags("Operations").WithName("ReceiveAlerts")
            .WithSummary("Alertmanager's webhook, with the token the AppHost gave it: stores each alert, firing or resolved, and notifies operators of each change.");
        return app;
    }

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("/api/ops/alerts").WithTags("Operations").RequireAuthorization(StaffPolicies.Operator);
        ops.MapGet("", ListAsync).WithName("ListAlerts")
            .WithSummary("Alerts newest first: state=firing for what fires now, state=resolved for the history, or both.");
        ops.MapPost("/{id:guid}/acknowledge", AcknowledgeAsync).WithName("AcknowledgeAlert")
            .WithSummary("Records that the signed-in operator has seen the alert (the first acknowledgement stays).");
        return app;
    }

    public static async Task<NoContent> NotifyAsync(AlertmanagerNotification notification, NpgsqlDataSource dataSource, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changes = new List<IntegrationEvent>();
        foreach (var alert in notification.Alerts!)
        {
            var name = alert.Labels!["alertname"];
            var severity = alert.Labels.GetValueOrDefault("severity") ?? "none";
            var summary = alert.Annotations?.GetValueOrDefault("summary") ?? alert.Annotations?.GetValueOrDefault("description") ?? name;
            var resolved = alert.Status == "resolved";
            var resolvedAt = resolved ? alert.ResolvedAt ?? now : (DateTimeOffset?)null;
            // A new episode is inserted; a known one that resolves is updated once, by whichever delivery gets there
            // first. Either is a change operators hear of; a repeat of what is stored changes nothing.
            await using var insert = new NpgsqlCommand("""
                insert into alerts (id, fingerprint, name, severity, summary, labels, status, starts_at, resolved_at, received_at, updated_at)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
                on conflict (fingerprint, starts_at) do nothing
                returning id
                """, connection, transaction);
            insert.Parameters.AddWithValue(Guid.CreateVersion7());
            insert.Parameters.AddWithValue(alert.Fingerprint!);
            insert.Parameters.AddWithValue(name);
            insert.Parameters.AddWithValue(severity);
            insert.Parameters.AddWithValue(summary);
            insert.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(alert.Labels));
            insert.Parameters.AddWithValue(alert.Status!);
            insert.Parameters.AddWithValue(alert.StartsAt!.Value);
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)resolvedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            insert.Parameters.AddWithValue(now);
            var id = (Guid?)await insert.ExecuteScalarAsync(cancellationToken);
            if (id is null && resolved)
            {
                await using var resolve = new NpgsqlCommand("""
                    update alerts set status = 'resolved', resolved_at = $3, summary = $4, updated_at = $5
                    where fingerprint = $1 and starts_at = $2 and status = 'firing'
                    returning id
                    """, connection, transaction);
                resolve.Parameters.AddWithValue(alert.Fingerprint!);
                resolve.Parameters.AddWithValue(alert.StartsAt.Value);
                resolve.Parameters.AddWithValue(resolvedAt!.Value);
                resolve.Parameters.AddWithValue(summary);
                resolve.Parameters.AddWithValue(now);
                id = (Guid?)await resolve.ExecuteScalarAsync(cancellationToken);
            }

            if (id is { } changed)
            {
                changes.Add(new AlertChanged(changed, name, severity, alert.Status!, summary, alert.StartsAt.Value) { OccurredAt = now });
            }
        }

        await Outbox.InsertAsync(connection, transaction, changes, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<Page<AlertView>>, ValidationProblem>> ListAsync([AsParameters] AlertQuery query, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (query.State is not (null or "firing" or "resolved"))
        {
            return Problems.Invalid("state", "must be 'firing' or 'resolved' (or left out for both)");
        }

        if (KeysetCursor.CheckTimePage(query.Limit, query.After, out var cursor) is { } invalid)
        {
            return invalid;
        }

        var take = query.Limit ?? 50;
        await using var command = dataSource.CreateCommand(Select + """
             where ($1::text is null or a.status = $1)
               and ($2::timestamptz is null or (a.starts_at, a.id) < ($2, $3))
             order by a.starts_at desc, a.id desc
             limit $4
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.State ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)cursor?.Time ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = cursor?.Id ?? Guid.Empty, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.AddWithValue(take + 1);
        var rows = await ReadAsync(command, cancellationToken);
        var next = rows.Count > take ? KeysetCursor.At(rows[take - 1].StartsAt, rows[take - 1].Id).Encode() : null;
        return TypedResults.Ok(new Page<AlertView>([.. rows.Take(take)], next));
    }

    public static async Task<Results<Ok<AlertView>, ProblemHttpResult>> AcknowledgeAsync(
        Guid id, HttpContext http, NpgsqlDataSource dataSource, TimeProvider time, CancellationToken cancellationToken)
    {
        var staff = CurrentStaff.From(http.User);
        await using (var acknowledge = dataSource.CreateCommand(
            "update alerts set acknowledged_by = $2, acknowledged_at = $3, updated_at = $3 where id = $1 and acknowledged_by is null"))
        {
            acknowledge.Parameters.AddWithValue(id);
            acknowledge.Parameters.AddWithValue(staff.UserId);
            acknowledge.Parameters.AddWithValue(time.GetUtcNow());
            await acknowledge.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var read = dataSource.CreateCommand(Select + " where a.id = $1");
        read.Parameters.AddWithValue(id);
        return (await ReadAsync(read, cancellationToken)) is [var alert] ? TypedResults.Ok(alert) : Problems.NotFound("alert with this id");
    }

    private const string Select = """
        select a.id, a.name, a.severity, a.status, a.summary, a.labels::text, a.starts_at, a.resolved_at, a.received_at, s.display_name, a.acknowledged_at
        from alerts a left join staff_users s on s.id = a.acknowledged_by
        """;

    private static async Task<List<AlertView>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<AlertView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new AlertView(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5)) ?? [],
                reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return rows;
    }
}

using System.Text;
using HexProperty.Api.Contracts;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Data.Messaging;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HexProperty.Api.Apis;

/// <summary>For platform operators: the events consumers gave up on (list, replay) and the Worker's schedules.</summary>
public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("/api/ops").WithTags("Operations").RequireAuthorization(StaffPolicies.Operator);
        ops.MapGet("/dead-letters", DeadLettersAsync).WithName("ListDeadLetters");
        ops.MapPost("/dead-letters/{id:guid}/replay", ReplayAsync).WithName("ReplayDeadLetter");
        ops.MapGet("/schedules", SchedulesAsync).WithName("ListSchedules");
        return app;
    }

    public static async Task<Results<Ok<Page<DeadLetterView>>, ValidationProblem>> DeadLettersAsync(
        [AsParameters] DeadLetterQuery query, HexDbContext db, CancellationToken cancellationToken)
    {
        if (KeysetCursor.CheckTimePage(query.Limit, query.After, out var cursor) is { } invalid)
        {
            return invalid;
        }

        var letters = db.DeadLetters.AsNoTracking();
        if (query.Consumer is { } consumer)
        {
            letters = letters.Where(d => d.Consumer == consumer);
        }

        if (query.Replayed is { } replayed)
        {
            letters = letters.Where(d => (d.ReplayedAt != null) == replayed);
        }

        if (cursor?.Time is { } at)
        {
            letters = letters.Where(d => d.DeadAt < at || (d.DeadAt == at && d.Id.CompareTo(cursor.Id) < 0));
        }

        var take = query.Limit ?? 50;
        var rows = await letters.OrderByDescending(d => d.DeadAt).ThenByDescending(d => d.Id).Take(take + 1).ToListAsync(cancellationToken);
        var next = rows.Count > take ? KeysetCursor.At(rows[take - 1].DeadAt, rows[take - 1].Id).Encode() : null;
        return TypedResults.Ok(new Page<DeadLetterView>(
            [.. rows.Take(take).Select(d => new DeadLetterView(d.Id, d.Consumer, d.EventId, d.Type, Encoding.UTF8.GetString(d.Body), d.Attempts, d.Error, d.DeadAt, d.ReplayedAt))],
            next));
    }

    /// <summary>Sends the event back to its consumer's queue (through the outbox): 202 once queued for the relay.</summary>
    public static async Task<Results<Accepted, ProblemHttpResult>> ReplayAsync(Guid id, NpgsqlDataSource dataSource, TimeProvider time, CancellationToken cancellationToken) =>
        await DeadLetters.ReplayAsync(dataSource, id, time.GetUtcNow(), cancellationToken) switch
        {
            DeadLetters.ReplayOutcome.Replayed => TypedResults.Accepted((string?)null),
            DeadLetters.ReplayOutcome.NotFound => Problems.NotFound("dead letter with this id"),
            DeadLetters.ReplayOutcome.AlreadyReplayed => Problems.Conflict("already-replayed", "Already replayed", "This dead letter was replayed; if it failed again, it is a new dead letter."),
            _ => Problems.Conflict("not-an-event", "Not an event", "The message has no event id or is not JSON: no consumer could read it, so replaying it cannot help."),
        };

    public static async Task<Ok<ScheduleView[]>> SchedulesAsync(HexDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Schedules.AsNoTracking().OrderBy(s => s.Name)
            .Select(s => new ScheduleView(s.Name, s.IntervalSeconds, s.NextDueAt, s.RunningSince != null, s.RunningOn, s.LastStartedAt, s.LastDurationMs,
                s.LastOutcome, s.LastError, s.LastDetail, s.Runs, s.Failures))
            .ToArrayAsync(cancellationToken));
}

using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HexProperty.Api.Infrastructure;

/// <summary>
/// What PostgreSQL refuses because of what a client sent, or because two clients raced, answered as the 4xx it is
/// rather than a 500: a uniqueness rule or an overlap is a 409 naming the field; a value the database cannot hold
/// (too long, out of range, a broken reference) is a 400 or 409 naming the field; two transactions that collided
/// (serialization failure, deadlock) are a 409 the client may retry. Endpoints that know a constraint better (a
/// booking's dates, an email already taken) answer it themselves first; this is the floor under every other one.
/// </summary>
public sealed class DatabaseExceptionHandler(IProblemDetailsService problems, ILogger<DatabaseExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var postgres = exception as PostgresException ?? (exception as DbUpdateException)?.InnerException as PostgresException;
        if (postgres is null || Describe(postgres) is not { } answer)
        {
            return false;
        }

        logger.LogWarning("A request tripped {SqlState} on {Constraint}: answered {Status}", postgres.SqlState, postgres.ConstraintName ?? postgres.ColumnName, answer.Status);
        httpContext.Response.StatusCode = answer.Status;
        if (answer.RetryAfterSeconds is { } seconds)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [answer.Field] = [answer.Reason] })
            {
                Status = answer.Status,
                Title = answer.Title,
                Type = Problems.TypeBase + answer.Type,
            },
        });
    }

    internal sealed record Answer(int Status, string Type, string Title, string Field, string Reason, int? RetryAfterSeconds = null);

    internal static Answer? Describe(PostgresException e)
    {
        var field = FieldOf(e);
        return e.SqlState switch
        {
            PostgresErrorCodes.UniqueViolation => new(409, "already-exists", "Already exists", field, "is already taken"),
            PostgresErrorCodes.ExclusionViolation => new(409, "overlap", "The dates are taken", field, "overlaps what is already there"),
            PostgresErrorCodes.ForeignKeyViolation => new(409, "reference", "A related record is missing or still in use", field, "refers to something that does not exist, or is still referred to"),
            PostgresErrorCodes.NotNullViolation => new(400, "invalid", "The request is not valid.", field, "is required"),
            PostgresErrorCodes.CheckViolation => new(400, "invalid", "The request is not valid.", field, "is not an allowed value"),
            PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable =>
                new(409, "concurrent-change", "Changed by someone else at the same time", field, "was changed concurrently; try again", RetryAfterSeconds: 1),
            // Class 22, data exceptions: a value the column cannot hold (too long, out of range, not valid text).
            _ when e.SqlState.StartsWith("22", StringComparison.Ordinal) => new(400, "invalid", "The request is not valid.", field, "has a value the store cannot hold"),
            _ => null,
        };
    }

    /// <summary>The field a constraint or column stands for, as the client names it: staff_users_email -> "email".</summary>
    internal static string FieldOf(PostgresException e)
    {
        var name = e.ColumnName ?? e.ConstraintName;
        if (string.IsNullOrEmpty(name))
        {
            return "body";
        }

        if (e.TableName is { Length: > 0 } table && name.StartsWith(table + "_", StringComparison.Ordinal))
        {
            name = name[(table.Length + 1)..];
        }

        foreach (var suffix in new[] { "_key", "_idx", "_fkey", "_check", "_pkey" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                name = name[..^suffix.Length];
            }
        }

        var words = name.Split('_', StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 0 ? "body" : JsonNamingPolicy.CamelCase.ConvertName(string.Concat(words.Select(w => char.ToUpperInvariant(w[0]) + w[1..])));
    }
}

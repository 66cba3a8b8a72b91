using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace HexProperty.Api.Infrastructure;

/// <summary>
/// The database could not serve the request in time: the pool was exhausted, the connection failed, a command or
/// statement timed out, or the server is starting, stopping or full. That is the service being unavailable for a
/// moment, not a fault in the request or the code: 503 with Retry-After, never a bare 500. Measured under a cold start
/// at full load, where pool exhaustion was answered 500 (bench/README.md).
/// </summary>
public sealed partial class DatabaseUnavailableExceptionHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableExceptionHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Unavailable(exception) is not { } cause || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogUnavailable(cause.GetType().Name, cause.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Busy for a moment",
                Detail = $"The database could not serve this request in time. Retry in {RetryAfterSeconds} seconds.",
                Type = Problems.TypeBase + "unavailable",
            },
        });
    }

    /// <summary>The exception in the chain that says the database was unavailable, or null.</summary>
    internal static Exception? Unavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres when IsUnavailable(postgres.SqlState):
                    return postgres;
                case PostgresException:
                    return null; // a refusal of this request: DatabaseExceptionHandler's, or a real fault
                case NpgsqlException npgsql: // not from the server: pool exhausted, connection failed, timed out
                    return npgsql;
            }
        }

        return null;
    }

    /// <summary>Connection exceptions (08), insufficient resources (53), statement timeout or cancel (57014) and the
    /// server shutting down or starting (57P01-57P03).</summary>
    internal static bool IsUnavailable(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState.StartsWith("53", StringComparison.Ordinal)
        || sqlState is PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database was unavailable for a request ({Type}: {Message}): answered 503.")]
    private partial void LogUnavailable(string type, string message);
}

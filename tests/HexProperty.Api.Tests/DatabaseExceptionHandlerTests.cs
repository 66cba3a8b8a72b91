using HexProperty.Api.Infrastructure;
using Npgsql;

namespace HexProperty.Api.Tests;

/// <summary>What the floor under every endpoint answers for each class of database refusal a client can cause.</summary>
public sealed class DatabaseExceptionHandlerTests
{
    private static PostgresException Refusal(string sqlState, string? table = null, string? column = null, string? constraint = null) =>
        new("refused", "ERROR", "ERROR", sqlState, tableName: table, columnName: column, constraintName: constraint);

    [Theory]
    [InlineData(PostgresErrorCodes.UniqueViolation, "staff_users", null, "staff_users_email", 409, "email", "already-exists")]
    [InlineData(PostgresErrorCodes.UniqueViolation, "payments", null, "payments_idempotency", 409, "idempotency", "already-exists")]
    [InlineData(PostgresErrorCodes.ExclusionViolation, "unit_occupancy", null, "unit_occupancy_no_overlap", 409, "noOverlap", "overlap")]
    [InlineData(PostgresErrorCodes.ForeignKeyViolation, "units", null, "units_property_id_fkey", 409, "propertyId", "reference")]
    [InlineData(PostgresErrorCodes.NotNullViolation, "guests", "full_name", null, 400, "fullName", "invalid")]
    [InlineData(PostgresErrorCodes.CheckViolation, "bookings", null, "bookings_guests_check", 400, "guests", "invalid")]
    [InlineData(PostgresErrorCodes.StringDataRightTruncation, null, null, null, 400, "body", "invalid")]
    [InlineData(PostgresErrorCodes.NumericValueOutOfRange, null, null, null, 400, "body", "invalid")]
    [InlineData(PostgresErrorCodes.CharacterNotInRepertoire, null, null, null, 400, "body", "invalid")]
    [InlineData(PostgresErrorCodes.SerializationFailure, null, null, null, 409, "body", "concurrent-change")]
    [InlineData(PostgresErrorCodes.DeadlockDetected, null, null, null, 409, "body", "concurrent-change")]
    public void A_refusal_a_client_can_cause_is_its_4xx_naming_the_field(string sqlState, string? table, string? column, string? constraint, int status, string field, string type)
    {
        var answer = DatabaseExceptionHandler.Describe(Refusal(sqlState, table, column, constraint));

        Assert.NotNull(answer);
        Assert.Equal(status, answer.Status);
        Assert.Equal(field, answer.Field);
        Assert.Equal(type, answer.Type);
    }

    [Theory]
    [InlineData(PostgresErrorCodes.UndefinedTable)]
    [InlineData(PostgresErrorCodes.AdminShutdown)]
    [InlineData(PostgresErrorCodes.TooManyConnections)]
    public void A_fault_of_the_server_is_left_to_be_a_5xx(string sqlState) =>
        Assert.Null(DatabaseExceptionHandler.Describe(Refusal(sqlState)));
}

/// <summary>The database unable to serve in time (pool, connection, timeouts, shutdown) is a 503 to retry, never a 500.</summary>
public sealed class DatabaseUnavailableExceptionHandlerTests
{
    private static PostgresException Server(string sqlState) => new("refused", "ERROR", "ERROR", sqlState);

    [Fact]
    public void An_exhausted_pool_a_failed_connection_or_a_timeout_is_unavailable_wherever_it_is_wrapped()
    {
        var exhausted = new NpgsqlException("The connection pool has been exhausted", new TimeoutException());
        Assert.Same(exhausted, DatabaseUnavailableExceptionHandler.Unavailable(exhausted));
        Assert.Same(exhausted, DatabaseUnavailableExceptionHandler.Unavailable(new InvalidOperationException("retries exhausted", exhausted)));
        Assert.NotNull(DatabaseUnavailableExceptionHandler.Unavailable(new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException())));
    }

    [Theory]
    [InlineData(PostgresErrorCodes.QueryCanceled)]
    [InlineData(PostgresErrorCodes.AdminShutdown)]
    [InlineData(PostgresErrorCodes.CannotConnectNow)]
    [InlineData(PostgresErrorCodes.TooManyConnections)]
    [InlineData(PostgresErrorCodes.ConnectionFailure)]
    public void A_server_that_cannot_serve_now_is_unavailable(string sqlState) =>
        Assert.NotNull(DatabaseUnavailableExceptionHandler.Unavailable(Server(sqlState)));

    [Theory]
    [InlineData(PostgresErrorCodes.UniqueViolation)]
    [InlineData(PostgresErrorCodes.UndefinedTable)]
    public void A_refusal_or_a_fault_in_the_code_is_not(string sqlState)
    {
        Assert.Null(DatabaseUnavailableExceptionHandler.Unavailable(Server(sqlState)));
        Assert.Null(DatabaseUnavailableExceptionHandler.Unavailable(new InvalidOperationException("a bug")));
    }
}

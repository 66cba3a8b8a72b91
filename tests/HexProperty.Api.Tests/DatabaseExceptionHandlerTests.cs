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

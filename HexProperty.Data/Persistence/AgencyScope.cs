using System.Data.Common;
using HexProperty.Data.Model;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace HexProperty.Data.Persistence;

/// <summary>
/// Who a unit of work acts for. A signed-in staff member's requests act for her agency; a guest, the Worker and the
/// migrations act for no agency (<see cref="AgencyId"/> null), and the walls stand aside for them.
/// </summary>
public interface IAgencyScope
{
    Guid? AgencyId { get; }

    /// <summary>The staff member acting, for the audit trail; null when no one signed in acts.</summary>
    StaffActor? Actor { get; }
}

public sealed record StaffActor(Guid UserId, string Name);

/// <summary>A fixed scope: for tests, tools and any code that acts for an agency outside a request.</summary>
public sealed record FixedAgencyScope(Guid? AgencyId, StaffActor? Actor = null) : IAgencyScope;

/// <summary>
/// The two tenancy walls around an agency's rows when a context acts for an agency.
/// <para>First wall: <see cref="HexDbContext"/>'s global query filters keep every <see cref="IAgencyOwned"/> entity
/// (and the agency itself) to the scope's agency, in every LINQ query, ExecuteUpdate and ExecuteDelete.</para>
/// <para>Second wall: PostgreSQL row-level security. Each connection the context opens switches to the role
/// <see cref="Role"/> and records the agency in the setting <see cref="Setting"/>; migration 0006's policies then let
/// that role read, change and add only the agency's rows, whatever the SQL says (a query that forgot the filter, raw
/// SQL through the context). Npgsql resets both when the connection goes back to the pool (DISCARD ALL), so the next
/// user of the physical connection starts as the owner again. Connections with no agency are untouched: guests' hot
/// paths pay nothing.</para>
/// </summary>
public sealed class AgencyScope : DbConnectionInterceptor
{
    public const string Role = "hex_staff";
    public const string Setting = "hex.agency_id";

    public static readonly AgencyScope Wall = new();

    private AgencyScope()
    {
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (AgencyOf(eventData) is { } agency)
        {
            using var command = Enter(connection, agency);
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (AgencyOf(eventData) is { } agency)
        {
            await using var command = Enter(connection, agency);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static Guid? AgencyOf(ConnectionEndEventData eventData) => (eventData.Context as HexDbContext)?.AgencyId;

    /// <summary>One round trip: the role and the agency, for the connection's session.</summary>
    private static DbCommand Enter(DbConnection connection, Guid agency)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"select set_config('role', '{Role}', false), set_config('{Setting}', @agency, false)";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "agency";
        parameter.Value = agency.ToString();
        command.Parameters.Add(parameter);
        return command;
    }
}

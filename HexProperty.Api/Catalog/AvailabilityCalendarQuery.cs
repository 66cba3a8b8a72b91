using HexProperty.Api.Contracts;
using Npgsql;

namespace HexProperty.Api.Catalog;

/// <summary>The nights each active unit of a property has taken within a window, in one query over unit_occupancy.</summary>
public sealed class AvailabilityCalendarQuery(NpgsqlDataSource dataSource)
{
    public async Task<AvailabilityCalendar> ReadAsync(Guid propertyId, DateOnly from, DateOnly to, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            select u.id, u.name, u.min_nights, u.max_nights, o.check_in, o.check_out, o.block_id is not null
            from units u
            left join unit_occupancy o
                on o.unit_id = u.id and o.stay && daterange($2, $3, '[)') and (o.expires_at is null or o.expires_at > $4)
            where u.property_id = $1 and u.active
            order by u.name, u.id, o.check_in
            """);
        command.Parameters.AddWithValue(propertyId);
        command.Parameters.AddWithValue(from);
        command.Parameters.AddWithValue(to);
        command.Parameters.AddWithValue(now);
        var units = new List<UnitCalendar>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var unitId = reader.GetGuid(0);
            if (units.Count == 0 || units[^1].UnitId != unitId)
            {
                units.Add(new UnitCalendar(unitId, reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), new List<OccupiedStay>()));
            }

            if (!reader.IsDBNull(4))
            {
                ((List<OccupiedStay>)units[^1].Unavailable).Add(new OccupiedStay(
                    reader.GetFieldValue<DateOnly>(4), reader.GetFieldValue<DateOnly>(5), reader.GetBoolean(6) ? "blocked" : "booked"));
            }
        }

        return new AvailabilityCalendar(propertyId, from, to, units);
    }
}

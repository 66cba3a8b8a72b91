using System.Globalization;

namespace HexProperty.Data.Jobs;

/// <summary>What an export reads: the Worker's export job runs it, and the export benchmark runs the same COPY as its ceiling.</summary>
public static class ExportQuery
{
    /// <summary>
    /// The count and the COPY query. COPY takes no parameters, so the values are formatted here from typed values
    /// (a Guid and dates), never from text a user typed.
    /// </summary>
    public static (string Count, string Select) For(ExportParameters parameters, Guid agencyId)
    {
        var agency = $"'{agencyId:D}'::uuid";
        var from = $"'{parameters.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'::date";
        var to = $"'{parameters.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'::date";
        var (columns, source, filter, order) = parameters.Dataset switch
        {
            ExportDataset.Bookings => (
                "b.reference, b.status, p.name as property, u.name as unit, b.check_in, b.check_out, b.guests, g.full_name as guest, g.email as guest_email, b.total, b.currency, b.source, b.created_at, b.confirmed_at, b.cancelled_at",
                "bookings b join properties p on p.id = b.property_id join units u on u.id = b.unit_id join guests g on g.id = b.guest_id",
                $"b.agency_id = {agency} and b.check_in >= {from} and b.check_in < {to}",
                "b.check_in, b.id"),
            ExportDataset.Payments => (
                "p.id, b.reference, p.amount, p.currency, p.method, p.status, p.card_last4, coalesce(r.amount, 0) as refunded, p.created_at",
                "payments p join bookings b on b.id = p.booking_id left join refunds r on r.payment_id = p.id",
                $"p.agency_id = {agency} and p.created_at >= {from}::timestamp at time zone 'UTC' and p.created_at < {to}::timestamp at time zone 'UTC'",
                "p.created_at, p.id"),
            ExportDataset.Properties => (
                "p.id, p.name, p.type, p.city, p.country, p.status, p.cancellation_policy, p.currency, (select count(*) from units u where u.property_id = p.id and u.active) as units, p.created_at",
                "properties p",
                $"p.agency_id = {agency} and p.created_at >= {from}::timestamp at time zone 'UTC' and p.created_at < {to}::timestamp at time zone 'UTC'",
                "p.name, p.id"),
            _ => throw new InvalidDataException($"unknown dataset {parameters.Dataset}"),
        };
        return ($"select count(*) from {source} where {filter}", $"select {columns} from {source} where {filter} order by {order}");
    }
}

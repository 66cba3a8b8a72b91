namespace HexProperty.Data.Model;

/// <summary>
/// A row that belongs to one agency. Both tenancy walls key on it: the context's query filter and the table's
/// row-level security policy (see <see cref="Persistence.AgencyScope"/>).
/// </summary>
public interface IAgencyOwned
{
    Guid AgencyId { get; }
}

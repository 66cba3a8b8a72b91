using Aspire.Hosting.ApplicationModel;

namespace HexProperty.Hosting.Postgres;

/// <summary>
/// A hot standby of a local PostgreSQL server: a base backup of the primary, kept current by streaming replication,
/// answering reads only. It has the primary's password and databases.
/// </summary>
public sealed class LocalPostgresStandbyResource(string name, string dataDirectory, LocalPostgresResource primary)
    : LocalServerResource(name, dataDirectory)
{
    public LocalPostgresResource Primary { get; } = primary;

    /// <summary>The cluster (the base backup's folder) inside the standby's data folder.</summary>
    public string ClusterDirectory => Path.Combine(DataDirectory, "data");

    protected override ReferenceExpression LocalConnectionString => LocalPostgresResource.KeywordForm(this, Primary.PasswordParameter);

    protected override IEnumerable<KeyValuePair<string, ReferenceExpression>> LocalConnectionProperties =>
        LocalPostgresResource.Properties(this, Primary.PasswordParameter);
}

using Aspire.Hosting.ApplicationModel;

namespace HexProperty.Hosting.Postgres;

/// <summary>A database on a local PostgreSQL server, created when the server first becomes ready.</summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresResource>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    public LocalPostgresResource Parent { get; } = parent;

    /// <summary>Set in publish mode: Aspire's database resource the manifest holds in this one's place.</summary>
    public IResourceWithConnectionString? PublishedAs { get; internal set; }

    public ReferenceExpression ConnectionStringExpression =>
        PublishedAs?.ConnectionStringExpression ?? ReferenceExpression.Create($"{Parent};Database={DatabaseName}");

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
        PublishedAs?.GetConnectionProperties() ??
        [
            .. ((IResourceWithConnectionString)Parent).GetConnectionProperties().Where(p => p.Key != "Uri"),
            new("DatabaseName", ReferenceExpression.Create($"{DatabaseName}")),
            new("Uri", Parent.Uri(DatabaseName)),
        ];
}

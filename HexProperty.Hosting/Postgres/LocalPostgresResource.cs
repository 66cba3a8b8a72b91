using Aspire.Hosting.ApplicationModel;

namespace HexProperty.Hosting.Postgres;

/// <summary>A PostgreSQL server run from Debian's <c>postgresql</c> package, with SCRAM password authentication.</summary>
public sealed class LocalPostgresResource(string name, string dataDirectory, ParameterResource password)
    : LocalServerResource(name, dataDirectory)
{
    public const string UserName = "postgres";

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The cluster (initdb's folder) inside the server's data folder.</summary>
    public string ClusterDirectory => Path.Combine(DataDirectory, "data");

    internal List<LocalPostgresDatabaseResource> Databases { get; } = [];

    /// <summary>Npgsql's keyword form, as Aspire's PostgreSQL resource gives it.</summary>
    protected override ReferenceExpression LocalConnectionString => KeywordForm(this, PasswordParameter);

    protected override IEnumerable<KeyValuePair<string, ReferenceExpression>> LocalConnectionProperties => Properties(this, PasswordParameter);

    /// <summary>The URI of a database on this server, as psql takes it.</summary>
    internal ReferenceExpression Uri(string database) =>
        ReferenceExpression.Create($"postgresql://{UserName}:{PasswordParameter:uri}@{Host}:{Port}/{database:uri}");

    /// <summary>The connection string of a PostgreSQL server of this kind (this one or its standby) at its own endpoint.</summary>
    internal static ReferenceExpression KeywordForm(LocalServerResource server, ParameterResource password) =>
        ReferenceExpression.Create($"Host={server.Host};Port={server.Port};Username={UserName};Password={password}");

    /// <summary>The connection properties beside the host and port that <c>WithReference</c> gives, as Aspire's PostgreSQL resource.</summary>
    internal static IEnumerable<KeyValuePair<string, ReferenceExpression>> Properties(LocalServerResource server, ParameterResource password) =>
    [
        new("Username", ReferenceExpression.Create($"{UserName}")),
        new("Password", ReferenceExpression.Create($"{password}")),
        new("Uri", ReferenceExpression.Create($"postgresql://{UserName}:{password:uri}@{server.Host}:{server.Port}")),
    ];
}

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
    protected override ReferenceExpression LocalConnectionString =>
        ReferenceExpression.Create($"Host={Host};Port={Port};Username={UserName};Password={PasswordParameter}");

    protected override IEnumerable<KeyValuePair<string, ReferenceExpression>> LocalConnectionProperties =>
    [
        new("Username", ReferenceExpression.Create($"{UserName}")),
        new("Password", ReferenceExpression.Create($"{PasswordParameter}")),
        new("Uri", Uri()),
    ];

    internal ReferenceExpression Uri(string? database = null) => database is null
        ? ReferenceExpression.Create($"postgresql://{UserName}:{PasswordParameter:uri}@{Host}:{Port}")
        : ReferenceExpression.Create($"postgresql://{UserName}:{PasswordParameter:uri}@{Host}:{Port}/{database:uri}");
}

using Aspire.Hosting.ApplicationModel;

namespace HexProperty.Hosting.Redis;

/// <summary>A Redis server run from Debian's <c>redis-server</c> package, with a password and RDB snapshots in its data folder.</summary>
public sealed class LocalRedisResource(string name, string dataDirectory, ParameterResource password)
    : LocalServerResource(name, dataDirectory)
{
    public ParameterResource PasswordParameter { get; } = password;

    public string ConfigFile => Path.Combine(DataDirectory, "redis.conf");

    /// <summary>StackExchange.Redis configuration syntax, as Aspire's Redis resource gives it.</summary>
    protected override ReferenceExpression LocalConnectionString => ReferenceExpression.Create($"{Host}:{Port},password={PasswordParameter}");

    protected override IEnumerable<KeyValuePair<string, ReferenceExpression>> LocalConnectionProperties =>
    [
        new("Password", ReferenceExpression.Create($"{PasswordParameter}")),
        new("Uri", ReferenceExpression.Create($"redis://:{PasswordParameter:uri}@{Host}:{Port}")),
    ];
}

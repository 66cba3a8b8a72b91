using Microsoft.Extensions.Configuration;

namespace HexProperty.ClientIntegrations;

internal static class ConnectionStrings
{
    /// <summary>The connection string the AppHost passes as <c>ConnectionStrings__name</c>; missing, the service
    /// stops at startup with a message naming the key, rather than failing on its first request.</summary>
    public static string Require(IConfiguration configuration, string connectionName) =>
        configuration.GetConnectionString(connectionName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Connection string 'ConnectionStrings:{connectionName}' is missing. Set the environment variable ConnectionStrings__{connectionName}, " +
                $"or start the service through the AppHost (dotnet run --project HexProperty.AppHost), which sets it for projects that reference '{connectionName}'.");
}

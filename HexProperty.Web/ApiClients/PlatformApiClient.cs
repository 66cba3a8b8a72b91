using System.Net.Http.Json;

namespace HexProperty.Web.ApiClients;

/// <summary>Calls the Api's platform status through service discovery (<c>http://api</c>).</summary>
public sealed class PlatformApiClient(HttpClient http)
{
    public async Task<PlatformStatus> GetStatusAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<PlatformStatus>("/api/platform/status", cancellationToken)
            ?? throw new HttpRequestException("The Api answered with an empty body.");
}

public sealed record PlatformStatus(string Service, string? Instance, DependencyStatus Database, DependencyStatus Cache, string? TraceId);

public sealed record DependencyStatus(bool Reachable, string Detail, double RoundTripMs);

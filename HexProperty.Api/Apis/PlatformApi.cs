using System.Diagnostics;
using HexProperty.Caching;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace HexProperty.Api.Apis;

/// <summary>Whether this Api instance reaches its database and cache, and how fast: a smoke test for the platform.</summary>
public static class PlatformApi
{
    public static IEndpointRouteBuilder MapPlatformApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/platform/status", GetStatusAsync)
            .WithName("GetPlatformStatus")
            .WithTags("Platform")
            .WithSummary("Reports this Api instance's database and cache round trips.");
        app.MapGet("/api/platform/cache", (LayeredHybridCache cache) => TypedResults.Ok(cache.Statistics))
            .WithName("GetCacheStatistics")
            .WithTags("Platform")
            .WithSummary("This instance's cache: hits and misses per profile and layer since it started, and whether Redis is in use.");
        return app;
    }

    public static async Task<Ok<PlatformStatus>> GetStatusAsync(HexDbContext db, IConnectionMultiplexer redis, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var database = await ProbeAsync(async () =>
            await db.Database.SqlQuery<string>($"select current_setting('server_version') as \"Value\"").SingleAsync(cancellationToken));
        var cache = await ProbeAsync(async () =>
            $"{await redis.GetDatabase().StringIncrementAsync("platform:status:requests")} status requests served");

        return TypedResults.Ok(new PlatformStatus(
            Service: configuration["OTEL_SERVICE_NAME"] ?? "api",
            Instance: ServiceInstanceId(configuration),
            Database: database,
            Cache: cache,
            TraceId: Activity.Current?.TraceId.ToString()));
    }

    private static async Task<DependencyStatus> ProbeAsync(Func<Task<string>> probe)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var detail = await probe();
            return new DependencyStatus(true, detail, Math.Round(clock.Elapsed.TotalMilliseconds, 2));
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or RedisException or TimeoutException or InvalidOperationException)
        {
            return new DependencyStatus(false, e.Message, Math.Round(clock.Elapsed.TotalMilliseconds, 2));
        }
    }

    /// <summary>The <c>service.instance.id</c> the AppHost gave this process; tells replicas apart.</summary>
    internal static string? ServiceInstanceId(IConfiguration configuration) =>
        configuration["OTEL_RESOURCE_ATTRIBUTES"]?.Split(',')
            .Select(attribute => attribute.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Trim() == "service.instance.id")
            .Select(pair => pair[1].Trim())
            .FirstOrDefault();
}

public sealed record PlatformStatus(string Service, string? Instance, DependencyStatus Database, DependencyStatus Cache, string? TraceId);

public sealed record DependencyStatus(bool Reachable, string Detail, double RoundTripMs);

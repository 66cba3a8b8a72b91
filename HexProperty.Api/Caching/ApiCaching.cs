using HexProperty.Caching;

namespace HexProperty.Api.Caching;

/// <summary>
/// The Api's hot reads go through <c>HybridCache</c>: memory, then Redis, then PostgreSQL. Each read has a profile in
/// configuration (<c>Caching:Profiles:name</c>); a profile missing there gets the defaults (memory 5 min, Redis 1 h).
/// </summary>
public static class ApiCaching
{
    public const string PropertyDetails = "property-details";
    /// <summary>A place's searchable catalogue: its active properties and units.</summary>
    public const string SearchPlaces = "search-places";

    /// <summary>The nights taken in a place in one week.</summary>
    public const string SearchNights = "search-nights";
    public const string Availability = "availability";
    public const string UnitPricing = "unit-pricing";

    /// <summary>The agency dashboard's figures for a period; the Worker invalidates them when it recomputes statistics.</summary>
    public const string AgencyDashboard = "agency-dashboard";

    public static readonly string[] Profiles = [PropertyDetails, SearchPlaces, SearchNights, Availability, UnitPricing, AgencyDashboard];

    public static WebApplicationBuilder AddApiCaching(this WebApplicationBuilder builder)
    {
        // Connected while the host starts, before the first request: a connect that blocks inside the first requests'
        // dependency resolution starved the thread pool of a replica started under load (bench/api-cache.sh).
        builder.AddRedisClient("cache", settings => settings.DisableAutoActivation = false,
            options => options.ClientName = builder.Environment.ApplicationName); // who is connected, in CLIENT LIST
        builder.AddHybridCache(options =>
        {
            options.SerializerOptions = ApiCacheJson.Default.Options;
            foreach (var profile in Profiles)
            {
                options.Profiles.TryAdd(profile, new CacheProfileOptions());
            }
        });
        return builder;
    }
}

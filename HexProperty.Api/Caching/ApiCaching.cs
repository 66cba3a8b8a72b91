using HexProperty.Caching;
using HexProperty.ClientIntegrations;

namespace HexProperty.Api.Caching;

/// <summary>
/// The Api's hot reads go through <c>HybridCache</c>: memory, then Redis, then PostgreSQL. Each read has a profile in
/// configuration (<c>Caching:Profiles:name</c>); a profile missing there gets the defaults (memory 5 min, Redis 1 h).
/// </summary>
public static class ApiCaching
{
    public const string PropertyDetails = "property-details";
    public const string Search = "search";
    public const string Availability = "availability";
    public const string UnitPricing = "unit-pricing";

    public static readonly string[] Profiles = [PropertyDetails, Search, Availability, UnitPricing];

    public static WebApplicationBuilder AddApiCaching(this WebApplicationBuilder builder)
    {
        builder.AddRedisClient("cache");
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

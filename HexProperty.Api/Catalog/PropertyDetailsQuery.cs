using HexProperty.Api.Caching;
using HexProperty.Api.Contracts;
using HexProperty.Caching;
using HexProperty.Data.Caching;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;

namespace HexProperty.Api.Catalog;

/// <summary>An active property with its bookable units, as guests see it; cached until the property or a unit changes.</summary>
public sealed class PropertyDetailsQuery(HybridCache cache, CacheProfiles profiles, IServiceScopeFactory scopes)
{
    private readonly CacheProfile _profile = profiles[ApiCaching.PropertyDetails];

    public ValueTask<PropertyDetails?> GetAsync(Guid id, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(
            _profile.Key(id.ToString("N")), (Query: this, Id: id), static (state, token) => state.Query.ReadAsync(state.Id, token),
            _profile.EntryOptions, [CacheTags.Property(id)], cancellationToken);

    private async ValueTask<PropertyDetails?> ReadAsync(Guid id, CancellationToken cancellationToken)
    {
        // Its own scope: a cached read may finish after the request that started it (soft timeout, eager refresh).
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HexDbContext>();
        var found = await db.Properties.AsNoTracking()
            .Where(p => p.Id == id && p.Status == PropertyStatus.Active)
            .Select(p => new
            {
                p.AgencyId,
                Details = new PropertyDetails(
                    p.Id, p.Name, p.Description, p.Type, p.AddressLine, p.City, p.Country, p.Latitude, p.Longitude, p.Amenities, p.Photos,
                    p.CancellationPolicy, p.Currency, p.TimeZone,
                    p.Units.Where(u => u.Active).OrderBy(u => u.Name)
                        .Select(u => new UnitSummary(u.Id, u.Name, u.Capacity, u.Bedrooms, u.BaseNightlyRate, u.CleaningFee, u.MinNights, u.MaxNights)).ToList()),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            CacheResult.DoNotCache(); // an unknown id costs a query, but never a cache entry
            return null;
        }

        CacheResult.AddTags(CacheTags.Agency(found.AgencyId));
        return found.Details;
    }
}

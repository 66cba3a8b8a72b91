using System.ComponentModel;
using HexProperty.Api.Caching;
using HexProperty.Caching;
using HexProperty.Data.Caching;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using HexProperty.Data.Pricing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;

namespace HexProperty.Api.Bookings;

/// <summary>What prices a stay in a bookable unit: its terms and active rate rules, and the property's time zone.</summary>
[ImmutableObject(true)]
public sealed record UnitPricing(Guid UnitId, Guid PropertyId, Guid AgencyId, string TimeZone, UnitRates Rates);

/// <summary>
/// A bookable unit's pricing for quotes, cached until the unit, its rules or its property change. Holds do not use
/// it: they price from the database inside their transaction.
/// </summary>
public sealed class UnitPricingQuery(HybridCache cache, CacheProfiles profiles, IServiceScopeFactory scopes)
{
    private readonly CacheProfile _profile = profiles[ApiCaching.UnitPricing];

    /// <summary>The pricing, or null when no active unit of an active property has this id.</summary>
    public ValueTask<UnitPricing?> GetAsync(Guid unitId, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(
            _profile.Key(unitId.ToString("N")), (Query: this, UnitId: unitId), static (state, token) => state.Query.ReadAsync(state.UnitId, token),
            _profile.EntryOptions, [CacheTags.Unit(unitId)], cancellationToken);

    private async ValueTask<UnitPricing?> ReadAsync(Guid unitId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HexDbContext>();
        var unit = await db.Units.AsNoTracking().Include(u => u.Property).Include(u => u.RateRules.Where(r => r.Active))
            .FirstOrDefaultAsync(u => u.Id == unitId && u.Active && u.Property!.Status == PropertyStatus.Active, cancellationToken);
        if (unit is null)
        {
            CacheResult.DoNotCache();
            return null;
        }

        CacheResult.AddTags(CacheTags.Property(unit.PropertyId), CacheTags.Agency(unit.AgencyId));
        return new UnitPricing(unit.Id, unit.PropertyId, unit.AgencyId, unit.Property!.TimeZone, UnitRatesLoader.From(unit, unit.Property.Currency, unit.RateRules));
    }
}

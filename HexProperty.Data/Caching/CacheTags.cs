namespace HexProperty.Data.Caching;

/// <summary>
/// The cache tags every cached read carries and every write invalidates, one scheme for the Api and the Worker.
/// A tag names what the data depends on: a property's catalogue data, a unit's, an agency's, a property's taken
/// nights, the searches of a city or a country, and, narrower, the dated searches of a place in one week.
/// </summary>
public static class CacheTags
{
    public static string Property(Guid id) => "property:" + id.ToString("N");

    public static string Unit(Guid id) => "unit:" + id.ToString("N");

    public static string Agency(Guid id) => "agency:" + id.ToString("N");

    /// <summary>The agency's dashboard figures: the Worker invalidates them when it recomputes the agency's daily statistics.</summary>
    public static string Dashboard(Guid agencyId) => "dashboard:" + agencyId.ToString("N");

    /// <summary>Which nights of the property's units are taken: holds, bookings, blocks.</summary>
    public static string Occupancy(Guid propertyId) => "occupancy:" + propertyId.ToString("N");

    /// <summary>Every search of a city; the city as guests type it and as properties store it meet here, trimmed and lower-case.</summary>
    public static string City(string city) => "city:" + NormalizeCity(city);

    /// <summary>Every search of a country.</summary>
    public static string Country(string country) => "country:" + country.Trim().ToUpperInvariant();

    public static string NormalizeCity(string city) => city.Trim().ToLowerInvariant();

    /// <summary>
    /// The dated searches of a place (a <see cref="City"/> or <see cref="Country"/> tag) whose stay has a night in
    /// one of the weeks of [from, to): a booking invalidates only the searches its nights could change, not every
    /// search of its city. Weeks start on Monday.
    /// </summary>
    public static IEnumerable<string> Nights(string place, DateOnly from, DateOnly to)
    {
        for (var monday = from.AddDays(-(((int)from.DayOfWeek + 6) % 7)); monday < to; monday = monday.AddDays(7))
        {
            yield return $"nights:{place}:{monday:yyyy-MM-dd}";
        }
    }

    /// <summary>What taking or freeing nights [checkIn, checkOut) makes stale: the property's calendars and the dated searches of those weeks.</summary>
    public static string[] OccupancyChanged(Guid propertyId, string city, string country, DateOnly checkIn, DateOnly checkOut) =>
        [Occupancy(propertyId), .. Nights(City(city), checkIn, checkOut), .. Nights(Country(country), checkIn, checkOut)];

    /// <summary>What a change of a unit's terms makes stale: its pricing, its property's page and calendar, the searches.</summary>
    public static string[] UnitChanged(Guid unitId, Guid propertyId, string city, string country) => [Unit(unitId), Property(propertyId), City(city), Country(country)];

    /// <summary>What a change of a property's catalogue data makes stale, at its old and its new place.</summary>
    public static string[] PropertyChanged(Guid propertyId, params (string City, string Country)[] places) =>
        [Property(propertyId), .. places.SelectMany(p => new[] { City(p.City), Country(p.Country) }).Distinct()];
}

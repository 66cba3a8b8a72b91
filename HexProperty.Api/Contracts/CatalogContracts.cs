using System.ComponentModel;
using HexProperty.Data.Model;

namespace HexProperty.Api.Contracts;

/// <summary>A guest's search. City or country is required; with dates, only units free for the whole stay count.</summary>
/// <param name="Amenities">Comma-separated amenity codes the property must all have ("wifi,pool").</param>
/// <param name="Sort">"price" (the cheapest matching unit's nightly rate, then name) or "name".</param>
/// <param name="After">The <c>next</c> cursor of the previous page.</param>
public sealed record SearchQuery(
    string? City, string? Country, DateOnly? CheckIn, DateOnly? CheckOut, int? Guests, decimal? MinPrice, decimal? MaxPrice,
    string? Amenities, string? Sort, int? Limit, string? After);

/// <summary>A page of search results.</summary>
public sealed record SearchPage(IReadOnlyList<PropertySummary> Items, string? Next);

/// <param name="FromNightlyRate">The lowest base nightly rate among the units that match (guests, dates).</param>
/// <param name="Photo">The SHA-256 naming the first photo's images (/photos/{sha256}/{width}.webp), if it has one.</param>
/// <param name="StayTotal">With dates: the whole stay's price for the guests in that unit (rules, cleaning, fees), as a quote gives it.</param>
public sealed record PropertySummary(
    Guid Id, string Name, PropertyType Type, string City, string Country, decimal Latitude, decimal Longitude,
    decimal FromNightlyRate, string Currency, IReadOnlyList<string> Amenities, string? Photo, decimal? StayTotal, CancellationPolicy CancellationPolicy);

[ImmutableObject(true)]
public sealed record PropertyDetails(
    Guid Id, string Name, string Description, PropertyType Type, string AddressLine, string City, string Country,
    decimal Latitude, decimal Longitude, IReadOnlyList<string> Amenities, IReadOnlyList<string> Photos,
    CancellationPolicy CancellationPolicy, string Currency, string TimeZone, IReadOnlyList<UnitSummary> Units);

public sealed record UnitSummary(
    Guid Id, string Name, int Capacity, int Bedrooms, decimal BaseNightlyRate, decimal CleaningFee, int MinNights, int MaxNights);

/// <summary>Which nights of each unit are taken within [From, To).</summary>
[ImmutableObject(true)]
public sealed record AvailabilityCalendar(Guid PropertyId, DateOnly From, DateOnly To, IReadOnlyList<UnitCalendar> Units);

public sealed record UnitCalendar(Guid UnitId, string Name, int MinNights, int MaxNights, IReadOnlyList<OccupiedStay> Unavailable);

using System.Globalization;
using System.Text.RegularExpressions;

namespace HexProperty.Api.Catalog;

/// <summary>What counts as a well-formed country, amenity, currency or photo in the catalogue.</summary>
public static partial class CatalogRules
{
    private static readonly HashSet<string> CountryCodes = [.. CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c => { try { return new RegionInfo(c.Name).TwoLetterISORegionName; } catch (ArgumentException) { return ""; } })
        .Where(code => code.Length == 2 && code.All(char.IsAsciiLetterUpper))];

    public static bool IsCountryCode(string? code) => code is { Length: 2 } && CountryCodes.Contains(code);

    public static bool IsAmenityCode(string? code) => code is not null && AmenityCode().IsMatch(code);

    public static string[] SplitAmenities(string? amenities) =>
        amenities is null ? [] : [.. amenities.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct()];

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex AmenityCode();
}

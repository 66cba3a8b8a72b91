using System.Globalization;

namespace HexProperty.Web.Components;

/// <summary>
/// Parses the values pages take as text, from the query string and from forms, with the invariant culture and the
/// formats browsers send (dates as yyyy-MM-dd). A typed <c>[SupplyParameterFromQuery]</c> throws on a value it cannot
/// parse (a 500 for a mistyped URL), so pages bind strings and a malformed value counts as absent; a form then sends
/// the Api null or nothing, and the Api's ProblemDetails names the field.
/// </summary>
public static class TextValue
{
    public static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) ? value : null;

    public static int? Int(string? text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static decimal? Decimal(string? text) => decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static Guid? Id(string? text) => Guid.TryParse(text, out var value) ? value : null;

    public static bool Flag(string? text) => text is "1" or "true";
}

using System.Globalization;

namespace HexProperty.Web.Components;

/// <summary>
/// Parses the values pages take as text, from the query string and from forms, with the invariant culture and the
/// formats browsers send (dates as yyyy-MM-dd). A typed <c>[SupplyParameterFromQuery]</c> throws on a value it cannot
/// parse (a 500 for a mistyped URL), so pages bind strings and a malformed value counts as absent; a form then sends
/// the Api null or nothing, and the Api's ProblemDetails names the field. <see cref="Text(DateOnly?)"/> writes dates back the same way.
/// </summary>
public static class TextValue
{
    private const string DateFormat = "yyyy-MM-dd";

    public static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) ? value : null;

    /// <summary>The inverse of <see cref="Date"/>: a date as date inputs, hidden fields and query strings carry it.</summary>
    public static string? Text(DateOnly? date) => date?.ToString(DateFormat, CultureInfo.InvariantCulture);

    public static int? Int(string? text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static decimal? Decimal(string? text) => decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static Guid? Id(string? text) => Guid.TryParse(text, out var value) ? value : null;

    public static bool Flag(string? text) => text is "1" or "true";
}

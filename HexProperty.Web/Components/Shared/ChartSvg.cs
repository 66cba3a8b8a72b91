using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace HexProperty.Web.Components.Shared;

/// <summary>What the server-drawn SVG charts (<see cref="DayChart"/>, <see cref="SeriesChart"/>) share.</summary>
public static class ChartSvg
{
    // Razor reads <text> in code as its own tag, so SVG text elements are written out here.
    public static MarkupString SvgText(double x, double y, string anchor, string content) =>
        new($"<text x=\"{F(x)}\" y=\"{F(y)}\" text-anchor=\"{anchor}\" class=\"axis\">{System.Net.WebUtility.HtmlEncode(content)}</text>");

    /// <summary>A coordinate, to a tenth of a unit.</summary>
    public static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}

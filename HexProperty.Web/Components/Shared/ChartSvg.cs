using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace HexProperty.Web.Components.Shared;

/// <summary>What the server-drawn SVG charts (<see cref="DayChart"/>, <see cref="SeriesChart"/>) share.</summary>
public static class ChartSvg
{
    // Razor reads <text> in code as its own tag, so SVG text elements are written out here.
    public static MarkupString SvgText(double x, double y, string anchor, string content) =>
        new($"<text x=\"{F(x)}\" y=\"{F(y)}\" text-anchor=\"{anchor}\" class=\"axis\">{System.Net.WebUtility.HtmlEncode(content)}</text>");

    /// <summary>The top of a chart's value axis: the highest value and 5 % of headroom, or 1 when there is nothing above 0.
    /// A chart works it out once per render: each of its hundreds of points is placed against it.</summary>
    public static double ScaleTop(IEnumerable<double> values) => values.DefaultIfEmpty(0).Max() is var max && max > 0 ? max * 1.05 : 1;

    /// <summary>A coordinate, to a tenth of a unit.</summary>
    public static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}

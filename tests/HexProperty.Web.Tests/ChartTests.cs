using System.Globalization;
using Bunit;
using HexProperty.Web.Components.Shared;

namespace HexProperty.Web.Tests;

/// <summary>The server-drawn charts place every point against one scale: the highest value under the top with 5 % of
/// headroom, the axis at 0, and a chart with nothing above 0 still drawn on a scale of 1.</summary>
public sealed class ChartTests : BunitContext
{
    // DayChart's plot area: 220 high, 10 above and 24 below.
    private const double Top = 10, Plot = 220 - 10 - 24;

    private static double Attribute(AngleSharp.Dom.IElement element, string name) =>
        double.Parse(element.GetAttribute(name)!, CultureInfo.InvariantCulture);

    [Fact]
    public void A_year_of_days_is_drawn_against_its_highest_day()
    {
        var start = new DateOnly(2026, 1, 1);
        var points = Enumerable.Range(0, 365).Select(i => (start.AddDays(i), (double)(i % 50))).ToList();
        points[200] = (points[200].Item1, 420);

        var cut = Render<DayChart>(p => p.Add(x => x.Title, "Revenue").Add(x => x.Unit, "EUR").Add(x => x.Bars, true).Add(x => x.Points, points));

        var bars = cut.FindAll("rect.bar");
        Assert.Equal(365, bars.Count);
        Assert.Equal(Top + (Plot * (1 - (420 / (420 * 1.05)))), Attribute(bars[200], "y"), 1);
        Assert.Equal(Top + Plot, Attribute(bars[0], "y"), 1); // a day of 0 sits on the axis
        Assert.Equal(Top + (Plot * (1 - (49 / (420 * 1.05)))), Attribute(bars[49], "y"), 1);
        Assert.Equal(365, cut.FindAll("figcaption tbody tr").Count);
    }

    [Fact]
    public void Days_with_nothing_above_zero_are_drawn_on_the_axis_of_a_scale_of_one()
    {
        var points = Enumerable.Range(0, 3).Select(i => (new DateOnly(2026, 1, 1).AddDays(i), 0.0)).ToList();

        var cut = Render<DayChart>(p => p.Add(x => x.Title, "Occupancy").Add(x => x.Unit, "%").Add(x => x.Points, points));

        Assert.All(cut.FindAll("circle.point"), c => Assert.Equal(Top + Plot, Attribute(c, "cy"), 1));
        Assert.Equal(1.0, ChartSvg.ScaleTop([]));
        Assert.Equal(1.0, ChartSvg.ScaleTop([-3, 0]));
        Assert.Equal(10.5, ChartSvg.ScaleTop([2, 10, 7]), 6);
    }
}

using HexProperty.Dashboard.Telemetry;

namespace HexProperty.Dashboard.Tests;

public sealed class HistogramMathTests
{
    [Fact]
    public void Percentiles_interpolate_inside_the_bucket_that_holds_them()
    {
        double[] bounds = [0.005, 0.01, 0.025];
        ulong[] counts = [10, 80, 10, 0];

        Assert.Equal(0.0075, HistogramMath.Percentile(bounds, counts, 0.50)!.Value, 6); // 40 of the 80 in (0.005, 0.01]
        Assert.Equal(0.0175, HistogramMath.Percentile(bounds, counts, 0.95)!.Value, 6); // 5 of the 10 in (0.01, 0.025]
        Assert.Equal(0.0025, HistogramMath.Percentile(bounds, counts, 0.05)!.Value, 6); // the first bucket starts at 0
    }

    [Fact]
    public void The_open_last_bucket_ends_at_the_recorded_maximum_and_an_empty_histogram_has_none()
    {
        double[] bounds = [1, 2];
        Assert.Equal(3.5, HistogramMath.Percentile(bounds, [0, 0, 2], 0.75, max: 4)!.Value, 6);
        Assert.Equal(2, HistogramMath.Percentile(bounds, [0, 0, 2], 0.75)!.Value, 6);
        Assert.Null(HistogramMath.Percentile(bounds, [0, 0, 0], 0.5));
    }
}

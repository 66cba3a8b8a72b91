using HexProperty.Dashboard.Telemetry;

namespace HexProperty.Dashboard.Tests;

public sealed class MetricStoreTests
{
    [Fact]
    public void Cumulative_histograms_chart_what_happened_in_each_interval()
    {
        var store = new MetricStore(new DashboardOptions());
        var start = OtlpMessages.Epoch;
        var fast = OtlpMessages.Observed(0.01, 100);
        var fastThenSlow = OtlpMessages.Observed(0.01, 100);
        fastThenSlow[Array.IndexOf(OtlpMessages.Bounds, 1.0)] = 100;

        store.Add(OtlpMessages.RequestDurations("api", start, start.AddSeconds(1), fast));
        store.Add(OtlpMessages.RequestDurations("api", start, start.AddSeconds(2), fastThenSlow)); // 100 slow ones since the last export

        var chart = store.Chart("api", "Microsoft.AspNetCore.Hosting", "http.server.request.duration", start, TimeSpan.FromSeconds(1));
        Assert.Equal(["p50", "p95", "p99"], chart.Select(c => c.Label));
        var p50 = chart[0].Points;
        Assert.Equal([start.AddSeconds(1), start.AddSeconds(2)], p50.Select(p => p.Time));
        Assert.InRange(p50[0].Value, 0.005, 0.01); // the first interval: only the fast requests
        Assert.InRange(p50[1].Value, 0.75, 1.0); // the second: only the slow ones, not the running total
    }

    [Fact]
    public void A_restarted_service_starts_its_series_over_instead_of_going_negative()
    {
        var store = new MetricStore(new DashboardOptions());
        var start = OtlpMessages.Epoch;
        store.Add(OtlpMessages.RequestDurations("api", start, start.AddSeconds(10), OtlpMessages.Observed(0.01, 500)));
        var restarted = start.AddSeconds(11);
        store.Add(OtlpMessages.RequestDurations("api", restarted, restarted.AddSeconds(1), OtlpMessages.Observed(1.0, 3)));

        var counts = store.Read("api", "http.server.request.duration", (_, series) => series.Single().Points.Items().Select(p => p.Count).ToList());
        Assert.Equal([500UL, 3UL], counts);
    }

    [Fact]
    public void An_instrument_keeps_at_most_its_series_limit_and_reports_the_rest_rejected()
    {
        var store = new MetricStore(new DashboardOptions { MaxSeriesPerInstrument = 2 });
        var start = OtlpMessages.Epoch;
        long rejected = 0;
        foreach (var status in new[] { 200, 404, 500, 503 })
        {
            rejected += store.Add(OtlpMessages.RequestDurations("api", start, start.AddSeconds(1), OtlpMessages.Observed(0.01, 1), status));
        }

        Assert.Equal(2, rejected);
        Assert.Equal(2, store.Instruments("api").Single().SeriesCount);
    }
}

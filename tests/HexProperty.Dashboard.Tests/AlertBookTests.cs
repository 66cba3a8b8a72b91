using HexProperty.Dashboard.Alerts;
using HexProperty.Dashboard.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace HexProperty.Dashboard.Tests;

public sealed class AlertBookTests
{
    private readonly ManualTime _time = new(OtlpMessages.Epoch);
    private readonly MetricStore _metrics = new(new DashboardOptions());
    private readonly AlertBook _alerts;
    private DateTimeOffset _exported = OtlpMessages.Epoch;
    private readonly ulong[] _cumulative = new ulong[OtlpMessages.Bounds.Length + 1];

    public AlertBookTests() =>
        _alerts = new AlertBook(_metrics, AlertRules.Create(() => 8L << 30), new DashboardOptions { AlertWindow = TimeSpan.FromMinutes(1) }, _time, NullLogger<AlertBook>.Instance);

    /// <summary>A minute of requests, all taking up to <paramref name="upperBound"/> seconds, exported as ASP.NET Core does.</summary>
    private void MinuteOfRequests(double upperBound, ulong count)
    {
        _cumulative[Array.IndexOf(OtlpMessages.Bounds, upperBound)] += count;
        _exported = _exported.AddMinutes(1);
        _time.Now = _exported;
        _metrics.Add(OtlpMessages.RequestDurations("api", OtlpMessages.Epoch, _exported, _cumulative));
        _alerts.Evaluate();
    }

    [Fact]
    public void A_slow_minute_raises_a_warning_then_a_critical_alert_and_a_fast_one_clears_it_with_the_times_recorded()
    {
        MinuteOfRequests(0.05, 100);
        Assert.Empty(_alerts.Open);

        MinuteOfRequests(0.25, 100); // p95 between 100 and 250 ms... above 200 ms: a warning
        var warning = Assert.Single(_alerts.Open);
        Assert.Equal(("response-time", AlertLevel.Warning, _exported), (warning.RuleId, warning.Level, warning.RaisedAt));

        MinuteOfRequests(1.0, 100); // p95 near a second: critical
        var critical = Assert.Single(_alerts.Open);
        Assert.Equal(AlertLevel.Critical, critical.Level);
        Assert.Equal(_exported, Assert.Single(_alerts.History).ClearedAt); // the warning closed as it escalated

        MinuteOfRequests(0.01, 100);
        Assert.Empty(_alerts.Open);
        Assert.Equal([(AlertLevel.Critical, critical.RaisedAt, (DateTimeOffset?)_exported), (AlertLevel.Warning, warning.RaisedAt, critical.RaisedAt)],
            _alerts.History.Select(a => (a.Level, a.RaisedAt, a.ClearedAt)));
    }

    [Fact]
    public void Server_errors_above_1_percent_warn_above_5_percent_are_critical_and_a_quiet_service_raises_nothing()
    {
        _metrics.Add(OtlpMessages.RequestDurations("api", OtlpMessages.Epoch, OtlpMessages.Epoch.AddSeconds(30), OtlpMessages.Observed(0.01, 3), statusCode: 500));
        _time.Now = OtlpMessages.Epoch.AddSeconds(30);
        _alerts.Evaluate();
        Assert.Empty(_alerts.Open); // 3 failed requests alone are too few to judge a rate

        _metrics.Add(OtlpMessages.RequestDurations("api", OtlpMessages.Epoch, OtlpMessages.Epoch.AddSeconds(31), OtlpMessages.Observed(0.01, 90)));
        _time.Now = OtlpMessages.Epoch.AddSeconds(31);
        _alerts.Evaluate();
        var warning = Assert.Single(_alerts.Open);
        Assert.Equal(("error-rate", AlertLevel.Warning, "3.2 %"), (warning.RuleId, warning.Level, warning.Value)); // 3 of 93

        _metrics.Add(OtlpMessages.RequestDurations("api", OtlpMessages.Epoch, OtlpMessages.Epoch.AddSeconds(32), OtlpMessages.Observed(0.01, 13), statusCode: 500));
        _time.Now = OtlpMessages.Epoch.AddSeconds(32);
        _alerts.Evaluate();
        var critical = Assert.Single(_alerts.Open);
        Assert.Equal(("error-rate", AlertLevel.Critical, "12.6 %"), (critical.RuleId, critical.Level, critical.Value)); // 13 of 103
    }

    [Fact]
    public void Every_rule_carries_the_seeds_thresholds()
    {
        Assert.Equal(
            ["warning above 200 ms, critical above 500 ms", "warning above 1 %, critical above 5 %", "critical below 70 %", "critical above 1000 ms", "critical above 80 %"],
            _alerts.Rules.Select(r => r.Threshold));
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

using HexProperty.Dashboard.Telemetry;
using Microsoft.Extensions.Logging;

namespace HexProperty.Dashboard.Alerts;

/// <summary>An alert as the page lists it: raised at a level, cleared when the value is back within its threshold.</summary>
public sealed record AlertRecord(string RuleId, string Title, string Resource, AlertLevel Level, string Threshold, DateTimeOffset RaisedAt)
{
    public string Value { get; init; } = "";

    public DateTimeOffset? ClearedAt { get; init; }
}

/// <summary>
/// Evaluates every rule for every resource that exports metrics, and keeps the open alerts and the newest
/// <see cref="HistoryLimit"/> closed ones. A change of level closes the alert and opens one at the new level, so
/// the history shows when a warning became critical.
/// </summary>
public sealed class AlertBook(MetricStore metrics, IReadOnlyList<AlertRule> rules, DashboardOptions options, TimeProvider time, ILogger<AlertBook> logger)
{
    public const int HistoryLimit = 500;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Rule, string Resource), AlertRecord> _open = [];
    private readonly LinkedList<AlertRecord> _closed = new();

    public IReadOnlyList<AlertRule> Rules => rules;

    public DateTimeOffset? LastEvaluated { get; private set; }

    public void Evaluate()
    {
        var now = time.GetUtcNow();
        var since = now - options.AlertWindow;
        foreach (var resource in metrics.Resources)
        {
            foreach (var rule in rules)
            {
                var value = rule.Measure(metrics, resource, since);
                var level = value is { } measured && !double.IsNaN(measured) ? rule.LevelOf(measured) : AlertLevel.None;
                Apply(rule, resource, level, value is { } v ? rule.Format(v) : "", now);
            }
        }

        LastEvaluated = now;
    }

    private void Apply(AlertRule rule, string resource, AlertLevel level, string value, DateTimeOffset now)
    {
        lock (_gate)
        {
            var key = (rule.Id, resource);
            var open = _open.GetValueOrDefault(key);
            if (open?.Level == level || (open is null && level == AlertLevel.None))
            {
                if (open is not null)
                {
                    _open[key] = open with { Value = value };
                }

                return;
            }

            if (open is not null)
            {
                _open.Remove(key);
                _closed.AddFirst(open with { ClearedAt = now });
                if (_closed.Count > HistoryLimit)
                {
                    _closed.RemoveLast();
                }

                logger.LogInformation("Alert cleared: {Resource} {Title} ({Level}), now {Value}", resource, rule.Title, open.Level, value);
            }

            if (level != AlertLevel.None)
            {
                _open[key] = new AlertRecord(rule.Id, rule.Title, resource, level, rule.Threshold, now) { Value = value };
                logger.LogWarning("Alert raised: {Resource} {Title} is {Value} ({Level}: {Threshold})", resource, rule.Title, value, level, rule.Threshold);
            }
        }
    }

    public IReadOnlyList<AlertRecord> Open
    {
        get
        {
            lock (_gate)
            {
                return [.. _open.Values.OrderByDescending(a => a.Level).ThenBy(a => a.RaisedAt)];
            }
        }
    }

    public IReadOnlyList<AlertRecord> History
    {
        get
        {
            lock (_gate)
            {
                return [.. _closed];
            }
        }
    }
}

namespace HexProperty.Hosting.Monitoring;

/// <summary>How often Prometheus scrapes and evaluates its rules, and how Alertmanager batches notifications
/// (configuration section <c>Monitoring</c>). An alert reaches the Api at the earliest after its rule's <c>for:</c>,
/// plus up to one scrape, one evaluation and <see cref="GroupWait"/>.</summary>
public sealed class MonitoringSettings
{
    public const string SectionName = "Monitoring";

    public TimeSpan ScrapeInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long Prometheus keeps samples (its data is in the data root).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(15);

    /// <summary>How long Alertmanager waits for more alerts of a new group before it sends the first notification.</summary>
    public TimeSpan GroupWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long it waits before it tells of a change in a group it already notified (a new alert, a resolution).</summary>
    public TimeSpan GroupInterval { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        if (ScrapeInterval < TimeSpan.FromSeconds(1) || EvaluationInterval < TimeSpan.FromSeconds(1) || Retention < TimeSpan.FromHours(1)
            || GroupWait < TimeSpan.Zero || GroupInterval < TimeSpan.FromSeconds(1))
        {
            throw new InvalidOperationException(
                "Monitoring: ScrapeInterval, EvaluationInterval and GroupInterval must be at least 1 s, Retention at least 1 h, GroupWait not negative.");
        }
    }
}

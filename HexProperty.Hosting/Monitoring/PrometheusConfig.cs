using System.Globalization;
using System.Text;

namespace HexProperty.Hosting.Monitoring;

/// <summary>
/// Writes Prometheus' and Alertmanager's configuration from the model: every scrape target the AppHost annotated, the
/// rule files, and one receiver, the Api, which stores what Alertmanager sends. YAML by hand: flat, and every value in
/// it is a name, a number or a loopback address the AppHost chose.
/// </summary>
internal static class PrometheusConfig
{
    public static string Prometheus(IEnumerable<ScrapeTargetAnnotation> targets, MonitoringSettings settings, string rulesGlob, string alertmanager)
    {
        var s = new StringBuilder();
        void Line(string text = "") => s.Append(text).Append('\n');
        Line("# Written by the HexProperty AppHost at every start from its model: change the AppHost, not this file.");
        Line("global:");
        Line($"  scrape_interval: {Seconds(settings.ScrapeInterval)}");
        Line($"  scrape_timeout: {Seconds(settings.ScrapeInterval < TimeSpan.FromSeconds(10) ? settings.ScrapeInterval : TimeSpan.FromSeconds(10))}");
        Line($"  evaluation_interval: {Seconds(settings.EvaluationInterval)}");
        Line("rule_files:");
        Line($"  - {Quote(rulesGlob)}");
        Line("alerting:");
        Line("  alertmanagers:");
        Line("    - static_configs:");
        Line($"        - targets: [{Quote(alertmanager)}]");
        Line("scrape_configs:");
        foreach (var job in targets.GroupBy(t => (t.Job, t.Path)).OrderBy(g => g.Key.Job, StringComparer.Ordinal))
        {
            Line($"  - job_name: {Quote(job.Key.Job)}");
            Line($"    metrics_path: {Quote(job.Key.Path)}");
            Line("    static_configs:");
            foreach (var target in job.OrderBy(t => t.Instance, StringComparer.Ordinal))
            {
                Line($"      - targets: [{Quote("127.0.0.1:" + target.Port.ToString(CultureInfo.InvariantCulture))}]");
                Line($"        labels: {{instance: {Quote(target.Instance)}}}");
            }
        }

        return s.ToString();
    }

    /// <summary>Every alert, firing and resolved, to the Api's webhook with its bearer token. Grouped per alert and
    /// instance, so each reaches the Api as its own row; repeated every hour while it fires, so a lost delivery heals.</summary>
    public static string Alertmanager(string webhookUrl, string token, MonitoringSettings settings)
    {
        var s = new StringBuilder();
        void Line(string text = "") => s.Append(text).Append('\n');
        Line("# Written by the HexProperty AppHost at every start: change the AppHost, not this file.");
        Line("route:");
        Line("  receiver: api");
        Line("  group_by: [alertname, job, instance]");
        Line($"  group_wait: {Seconds(settings.GroupWait)}");
        Line($"  group_interval: {Seconds(settings.GroupInterval)}");
        Line("  repeat_interval: 1h");
        Line("receivers:");
        Line("  - name: api");
        Line("    webhook_configs:");
        Line($"      - url: {Quote(webhookUrl)}");
        Line("        send_resolved: true");
        Line("        max_alerts: 0");
        Line("        http_config:");
        Line("          authorization:");
        Line("            type: Bearer");
        Line($"            credentials: {Quote(token)}");
        return s.ToString();
    }

    private static string Seconds(TimeSpan t) => ((long)Math.Max(1, t.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";

    /// <summary>A YAML double-quoted scalar.</summary>
    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

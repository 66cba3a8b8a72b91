using System.Diagnostics;
using HexProperty.Hosting.Monitoring;
using HexProperty.Testing;

namespace HexProperty.Hosting.Tests;

/// <summary>
/// The monitoring's files, checked by the tools that read them: the alert and recording rules against their promtool
/// tests (which say which alert fires when), and the configuration the AppHost writes for Prometheus and Alertmanager.
/// </summary>
public sealed class MonitoringConfigTests : IDisposable
{
    private static readonly string MonitoringFolder = Path.Combine(TestDataFolder.RepositoryDirectory, "HexProperty.AppHost", "monitoring");
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("hexproperty-monitoring-");

    [Fact]
    public async Task The_alert_rules_pass_their_promtool_tests()
    {
        var (code, output) = await RunAsync("/usr/bin/promtool", MonitoringFolder, "test", "rules", "tests/hexproperty.rules.test.yml");
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_configuration_written_for_Prometheus_and_Alertmanager_is_what_they_accept()
    {
        ScrapeTargetAnnotation[] targets =
        [
            new("api", "api-2", 41002), new("api", "api-1", 41001), new("haproxy", "api", 41003),
            new("postgres", "postgres", 41004), new("postgres", "postgres-standby", 41005), new("odd \"job\"", "x", 41006, "/other"),
        ];
        var settings = new MonitoringSettings();
        var prometheus = Path.Combine(_folder.FullName, "prometheus.yml");
        await File.WriteAllTextAsync(prometheus, PrometheusConfig.Prometheus(targets, settings, Path.Combine(MonitoringFolder, "*.rules.yml"), "127.0.0.1:41009"));
        var (code, output) = await RunAsync("/usr/bin/promtool", _folder.FullName, "check", "config", prometheus);
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS: 1 rule files found", output, StringComparison.Ordinal);
        var text = await File.ReadAllTextAsync(prometheus);
        // One job per service, its replicas as instances, in a stable order.
        Assert.Contains("""
              - job_name: "api"
                metrics_path: "/metrics"
                static_configs:
                  - targets: ["127.0.0.1:41001"]
                    labels: {instance: "api-1"}
                  - targets: ["127.0.0.1:41002"]
                    labels: {instance: "api-2"}
            """.Replace("\r", "", StringComparison.Ordinal), text, StringComparison.Ordinal);
        Assert.Contains("job_name: \"odd \\\"job\\\"\"", text, StringComparison.Ordinal);

        var alertmanager = Path.Combine(_folder.FullName, "alertmanager.yml");
        await File.WriteAllTextAsync(alertmanager, PrometheusConfig.Alertmanager("http://127.0.0.1:5310/api/ops/alerts/notify", "a\"token\\", settings));
        (code, output) = await RunAsync("/usr/bin/amtool", _folder.FullName, "check-config", alertmanager);
        Assert.True(code == 0, output);
        Assert.Contains("1 receivers", output, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private static async Task<(int Code, string Output)> RunAsync(string program, string folder, params string[] arguments)
    {
        Assert.True(File.Exists(program), $"{program} is missing: eng/setup.sh installs it");
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}

using System.Globalization;
using System.Runtime.InteropServices;
using HexProperty.Hosting.ApplicationModel;
using HexProperty.Hosting.Orchestration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HexProperty.Hosting.Projects;

/// <summary>
/// Starts a project's built assembly with <c>dotnet</c> (building the AppHost builds its projects) and gives it
/// Aspire's environment contract: its URL, references, and OpenTelemetry identity and exporter settings.
/// </summary>
internal sealed class ProjectDriver(ProjectResource project, RunContext context) : IResourceDriver
{
    private static readonly HttpClient HealthClient = new() { Timeout = TimeSpan.FromSeconds(5) };

    public IEnumerable<RequiredFile> RequiredFiles =>
    [
        new(project.Metadata.AssemblyPath,
            $"Project '{project.Name}' is not built ({project.Metadata.AssemblyPath} is missing): run 'dotnet build HexProperty.AppHost' " +
            "('dotnet run --project HexProperty.AppHost' builds it too)."),
    ];

    public IReadOnlyList<ProcessSpec> CreateProcesses(int replica) =>
    [
        new(project.Name, DotnetHost, [project.Metadata.AssemblyPath])
        {
            Environment = Environment(replica),
            WorkingDirectory = Path.GetDirectoryName(project.Metadata.ProjectPath),
        },
    ];

    internal IReadOnlyDictionary<string, string> Environment(int replica)
    {
        var instanceName = InstanceNames.For(project, project.Replicas, replica);
        var environment = new EnvironmentContext(project, replica, context.DataFolder.Root);
        var variables = environment.Variables;
        foreach (var (key, value) in context.BaseEnvironment)
        {
            variables[key] = value;
        }

        variables["ASPNETCORE_URLS"] = project.HttpEndpoint.GetUrl(replica);
        variables["ASPNETCORE_ENVIRONMENT"] = context.Options.ProjectEnvironment;
        variables["DOTNET_ENVIRONMENT"] = context.Options.ProjectEnvironment;
        variables["LOGGING__CONSOLE__FORMATTERNAME"] = "simple";
        variables["OTEL_SERVICE_NAME"] = project.Name;
        variables["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={InstanceNames.ServiceInstanceId(instanceName, context.RunId)}";
        variables["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory";
        if (!string.IsNullOrWhiteSpace(context.OtlpEndpoint))
        {
            variables["OTEL_EXPORTER_OTLP_ENDPOINT"] = context.OtlpEndpoint;
            variables["OTEL_EXPORTER_OTLP_PROTOCOL"] = context.Options.OtlpProtocol;
            if (!string.IsNullOrEmpty(context.OtlpHeaders))
            {
                variables["OTEL_EXPORTER_OTLP_HEADERS"] = context.OtlpHeaders;
            }

            // Export every second, as Aspire does in development, so a developer sees telemetry at once.
            variables["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
            variables["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
            variables["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        }

        foreach (var variable in ReferenceEnvironment.For(project))
        {
            variables[variable.Name] = variable.Value();
        }

        // WithEnvironment comes last, so the AppHost can override any default.
        foreach (var callback in project.EnvironmentCallbacks)
        {
            callback(environment);
        }

        return new Dictionary<string, string>(variables);
    }

    public async Task<HealthCheckResult> CheckHealthAsync(int replica, CancellationToken cancellationToken)
    {
        if (project.HealthCheckPath is null)
        {
            return HealthCheckResult.Healthy("running (no health check declared)");
        }

        var url = project.HttpEndpoint.GetUrl(replica) + project.HealthCheckPath;
        using var response = await HealthClient.GetAsync(url, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return HealthCheckResult.Healthy();
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return HealthCheckResult.Unhealthy(string.Create(CultureInfo.InvariantCulture,
            $"GET {project.HealthCheckPath} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}"));
    }

    /// <summary>The dotnet host that runs the AppHost itself, so projects run on the same runtime.</summary>
    private static string DotnetHost =>
        System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
}

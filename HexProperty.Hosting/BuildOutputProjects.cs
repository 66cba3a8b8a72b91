using System.Reflection;
using System.Runtime.Versioning;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace HexProperty.Hosting;

public static class BuildOutputProjects
{
    /// <summary>
    /// Starts every project from its build output (<c>bin/{configuration}/{framework}/{name}</c>, which
    /// <c>dotnet run --project</c> on the AppHost has just built) instead of through <c>dotnet run</c>. Measured here, the
    /// <c>dotnet run</c> wrapper kept each project alive about 10 s after a stop (it does not pass SIGTERM on, so the
    /// services outlived the servers they use and the stop took 15 s), cost 50-60 MB each, and evaluated the project again
    /// at every start. A project without that output (not built, another framework) is left to <c>dotnet run</c>.
    /// </summary>
    public static IDistributedApplicationBuilder RunProjectsFromBuildOutput(this IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return builder;
        }

        var configuration = builder.AppHostAssembly?.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var framework = new FrameworkName(AppContext.TargetFrameworkName!);
        var folder = $"net{framework.Version.Major}.{framework.Version.Minor}";
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            foreach (var project in @event.Model.Resources.OfType<ProjectResource>().Where(p => !p.HasAnnotationOfType<ExecutableAnnotation>()))
            {
                var path = project.GetProjectMetadata().ProjectPath;
                var directory = Path.GetDirectoryName(path)!;
                var program = Path.Combine(directory, "bin", configuration, folder, Path.GetFileNameWithoutExtension(path));
                if (File.Exists(program))
                {
                    // The working directory stays the project's, as under dotnet run: its appsettings.json is read there.
                    project.Annotations.Add(new ExecutableAnnotation { Command = program, WorkingDirectory = directory });
                }
            }

            return Task.CompletedTask;
        });
        return builder;
    }
}

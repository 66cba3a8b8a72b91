using System.Reflection;
using HexProperty.Hosting.ApplicationModel;
using HexProperty.Hosting.Orchestration;
using HexProperty.Hosting.Publishing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace HexProperty.Hosting;

internal sealed class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    private readonly HostApplicationBuilder _host;
    private readonly List<Resource> _resources = [];
    private readonly Testing.BuilderInterception? _interception;
    private readonly Assembly? _appHostAssembly;

    public DistributedApplicationBuilder(string[] args, Testing.BuilderInterception? interception, Assembly? appHostAssembly = null)
    {
        _interception = interception;
        _appHostAssembly = interception?.AppHostAssembly ?? appHostAssembly ?? Assembly.GetEntryAssembly();
        var normalized = AppHostArguments.Normalize(args.Concat(interception?.Args ?? []));
        _host = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = _appHostAssembly?.GetName().Name,
            DisableDefaults = false,
        });
        _host.Configuration.AddCommandLine(normalized, AppHostArguments.Switches);
        ExecutionContext = new DistributedApplicationExecutionContext(
            string.Equals(_host.Configuration["Publishing:Publisher"], "manifest", StringComparison.OrdinalIgnoreCase));
        ConfigureLogging(_host.Logging);
        interception?.Configure?.Invoke(this);
    }

    public ConfigurationManager Configuration => _host.Configuration;

    public IHostEnvironment Environment => _host.Environment;

    public IServiceCollection Services => _host.Services;

    public DistributedApplicationExecutionContext ExecutionContext { get; }

    public IReadOnlyList<IResource> Resources => _resources;

    internal bool BuildingForTest { get; set; }

    public IResourceBuilder<T> AddResource<T>(T resource)
        where T : Resource
    {
        if (_resources.Any(r => r.Name == resource.Name))
        {
            throw new DistributedApplicationException($"Cannot add resource '{resource.Name}': a resource with that name already exists.");
        }

        _resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    public IResourceBuilder<T> GetResource<T>(string name)
        where T : Resource =>
        _resources.SingleOrDefault(r => r.Name == name) is T resource
            ? new ResourceBuilder<T>(this, resource)
            : throw new ArgumentException($"The application has no {typeof(T).Name} named '{name}'.", nameof(name));

    public IResourceBuilder<ParameterResource> AddParameter(string name, bool secret = false) => AddResource(new ParameterResource(name, secret));

    public DistributedApplication Build()
    {
        if (_interception is not null && !BuildingForTest)
        {
            // The testing entry ran the AppHost's Program only to obtain this builder; it takes over from here.
            _interception.Capture(this);
        }

        DependencyGraph.ThrowIfCyclic(_resources);
        var model = new DistributedApplicationModel(_resources, FindRepositoryDirectory(_appHostAssembly));
        _host.Services.AddSingleton(model);
        _host.Services.AddSingleton(ExecutionContext);
        _host.Services.AddSingleton<ResourceNotificationService>();
        _host.Services.AddOptions<AppHostOptions>().Bind(_host.Configuration.GetSection(AppHostOptions.SectionName));
        _host.Services.AddOptions<Dashboard.DashboardOptions>().Bind(_host.Configuration.GetSection(Dashboard.DashboardOptions.SectionName));
        _host.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        if (ExecutionContext.IsPublishMode)
        {
            _host.Services.AddHostedService<ManifestPublisher>();
        }
        else
        {
            _host.Services.AddSingleton<Orchestrator>();
            _host.Services.AddHostedService(sp => sp.GetRequiredService<Orchestrator>());
        }

        return new DistributedApplication(_host.Build());
    }

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddConsole(o => o.FormatterName = AppHostConsoleFormatter.FormatterName);
        logging.AddConsoleFormatter<AppHostConsoleFormatter, ConsoleFormatterOptions>();
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System", LogLevel.Warning);
    }

    /// <summary>
    /// The folder with the solution file, found from the AppHost project's folder (recorded at build time), so
    /// the data folder is the same whichever folder the AppHost is started from.
    /// </summary>
    private static string FindRepositoryDirectory(Assembly? appHostAssembly)
    {
        var projectDirectory = appHostAssembly?.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "HexProperty.AppHost.ProjectDirectory")?.Value ?? AppContext.BaseDirectory;
        for (var folder = new DirectoryInfo(projectDirectory); folder is not null; folder = folder.Parent)
        {
            if (folder.EnumerateFiles("*.sln").Any() || folder.EnumerateFiles("*.slnx").Any())
            {
                return folder.FullName;
            }
        }

        return projectDirectory;
    }
}

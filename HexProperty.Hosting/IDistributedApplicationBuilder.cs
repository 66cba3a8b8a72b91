using HexProperty.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HexProperty.Hosting;

/// <summary>Declares the resources of a distributed application, as Aspire's builder of the same name does.</summary>
public interface IDistributedApplicationBuilder
{
    ConfigurationManager Configuration { get; }

    IHostEnvironment Environment { get; }

    IServiceCollection Services { get; }

    DistributedApplicationExecutionContext ExecutionContext { get; }

    /// <summary>The resources declared so far, in declaration order.</summary>
    IReadOnlyList<IResource> Resources { get; }

    IResourceBuilder<T> AddResource<T>(T resource)
        where T : Resource;

    /// <summary>Looks up a declared resource by name, for tests that adjust the AppHost's own model.</summary>
    IResourceBuilder<T> GetResource<T>(string name)
        where T : Resource;

    IResourceBuilder<ParameterResource> AddParameter(string name, bool secret = false);

    DistributedApplication Build();
}

/// <summary>Whether the AppHost runs the application or writes its manifest (<c>--publisher manifest</c>).</summary>
public sealed class DistributedApplicationExecutionContext(bool isPublishMode)
{
    public bool IsPublishMode { get; } = isPublishMode;

    public bool IsRunMode => !IsPublishMode;
}

using HexProperty.Hosting.ApplicationModel;

namespace HexProperty.Hosting;

public static class ResourceBuilderExtensions
{
    /// <summary>
    /// Gives the resource the connection string of <paramref name="source"/> as <c>ConnectionStrings__name</c>.
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source)
        where T : Resource
    {
        AddReference(builder.Resource, source.Resource);
        return builder;
    }

    /// <summary>
    /// Gives the resource the endpoints of another project for service discovery: <c>services__api__http__0</c>
    /// (one index per replica), so <c>http://api</c> resolves in its HTTP clients.
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<Projects.ProjectResource> source)
        where T : Resource
    {
        AddReference(builder.Resource, source.Resource);
        return builder;
    }

    /// <summary>Starts the resource only once <paramref name="dependency"/> is running and healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : Resource
    {
        if (!builder.Resource.WaitsFor.Contains(dependency.Resource))
        {
            builder.Resource.WaitsFor.Add(dependency.Resource);
        }

        return builder;
    }

    /// <summary>Sets an environment variable on every process of the resource; it overrides the defaults.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value)
        where T : Resource
    {
        builder.Resource.EnvironmentCallbacks.Add(context => context.Variables[name] = value);
        return builder;
    }

    /// <summary>Sets environment variables computed when each process starts (ports and secrets are known then).</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, Action<EnvironmentContext> callback)
        where T : Resource
    {
        builder.Resource.EnvironmentCallbacks.Add(callback);
        return builder;
    }

    private static void AddReference(Resource resource, IResource source)
    {
        if (ReferenceEquals(resource, source))
        {
            throw new ArgumentException($"'{resource.Name}' cannot reference itself.", nameof(source));
        }

        if (!resource.References.Contains(source))
        {
            resource.References.Add(source);
        }
    }
}

using System.Reflection;

namespace HexProperty.Hosting.Testing;

/// <summary>
/// Starts the whole distributed application from the AppHost's own model in a test, as Aspire.Hosting.Testing
/// does: <c>CreateAsync&lt;Program&gt;()</c> runs the AppHost's Program up to Build(), the test may adjust the
/// resources, then <c>BuildAsync()</c> gives an application to start, query and stop.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    public static Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(CancellationToken cancellationToken = default)
        where TEntryPoint : class =>
        CreateAsync<TEntryPoint>([], cancellationToken);

    public static async Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(string[] args, CancellationToken cancellationToken = default)
        where TEntryPoint : class
    {
        var assembly = typeof(TEntryPoint).Assembly;
        var entryPoint = assembly.EntryPoint ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no entry point.");
        var interception = new BuilderInterception(assembly, TestArguments(args), null);
        var main = Task.Run(async () =>
        {
            BuilderInterception.Current = interception;
            try
            {
                var result = entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [Array.Empty<string>()]);
                if (result is Task task)
                {
                    await task;
                }
            }
            catch (Exception e) when (e is BuilderInterception.BuilderCapturedException || e.InnerException is BuilderInterception.BuilderCapturedException)
            {
            }
        }, cancellationToken);

        await main;
        if (!interception.Captured.IsCompleted)
        {
            throw new InvalidOperationException($"{assembly.GetName().Name}'s Program returned without calling Build().");
        }

        var builder = await interception.Captured;
        return new TestingBuilder(builder);
    }

    /// <summary>
    /// A builder for a test's own application model (say, only the servers a test needs), with the same testing
    /// defaults as <see cref="CreateAsync{TEntryPoint}(string[], CancellationToken)"/>.
    /// </summary>
    public static IDistributedApplicationTestingBuilder Create(params string[] args) =>
        new TestingBuilder(new DistributedApplicationBuilder(TestArguments(args), interception: null, Assembly.GetCallingAssembly()));

    /// <summary>Each test application gets its own clean data folder, deleted afterwards, and stays quiet on the console.</summary>
    private static string[] TestArguments(string[] args) =>
    [
        $"--AppHost:Name=tests/{$"test-{Guid.NewGuid():N}"[..13]}",
        "--AppHost:Clean=true",
        "--AppHost:ConsoleReport=false",
        "--AppHost:DeleteDataOnStop=true",
        .. args,
    ];

    // Implements the builder interface by delegation, adding BuildAsync.
    private sealed class TestingBuilder(DistributedApplicationBuilder inner) : IDistributedApplicationTestingBuilder
    {
        public Microsoft.Extensions.Configuration.ConfigurationManager Configuration => inner.Configuration;

        public Microsoft.Extensions.Hosting.IHostEnvironment Environment => inner.Environment;

        public Microsoft.Extensions.DependencyInjection.IServiceCollection Services => inner.Services;

        public DistributedApplicationExecutionContext ExecutionContext => inner.ExecutionContext;

        public IReadOnlyList<ApplicationModel.IResource> Resources => inner.Resources;

        public IResourceBuilder<T> AddResource<T>(T resource)
            where T : ApplicationModel.Resource => inner.AddResource(resource);

        public IResourceBuilder<T> GetResource<T>(string name)
            where T : ApplicationModel.Resource => inner.GetResource<T>(name);

        public IResourceBuilder<ApplicationModel.ParameterResource> AddParameter(string name, bool secret = false) => inner.AddParameter(name, secret);

        public DistributedApplication Build()
        {
            inner.BuildingForTest = true;
            return inner.Build();
        }

        public Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default) => Task.FromResult(Build());
    }
}

/// <summary>The AppHost's builder, handed to a test before the application is built.</summary>
public interface IDistributedApplicationTestingBuilder : IDistributedApplicationBuilder
{
    Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default);
}

using System.Reflection;

namespace HexProperty.Hosting.Testing;

/// <summary>
/// Lets the testing entry run the AppHost's own Program.cs and take the builder it declares, at the moment
/// Program calls Build(), instead of running the application there.
/// </summary>
internal sealed class BuilderInterception(Assembly appHostAssembly, string[] args, Action<IDistributedApplicationBuilder>? configure)
{
    private static readonly AsyncLocal<BuilderInterception?> CurrentInterception = new();

    private readonly TaskCompletionSource<DistributedApplicationBuilder> _captured = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static BuilderInterception? Current
    {
        get => CurrentInterception.Value;
        set => CurrentInterception.Value = value;
    }

    public Assembly AppHostAssembly { get; } = appHostAssembly;

    public string[] Args { get; } = args;

    public Action<IDistributedApplicationBuilder>? Configure { get; } = configure;

    public Task<DistributedApplicationBuilder> Captured => _captured.Task;

    public void Capture(DistributedApplicationBuilder builder)
    {
        _captured.TrySetResult(builder);
        throw new BuilderCapturedException();
    }

    /// <summary>Ends the AppHost's Main once its builder is captured.</summary>
    internal sealed class BuilderCapturedException() : Exception("The testing entry captured the application builder.");
}

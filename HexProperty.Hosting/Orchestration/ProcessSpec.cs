namespace HexProperty.Hosting.Orchestration;

/// <summary>One process of a resource instance: what to run, as whom, and how to stop it gracefully.</summary>
internal sealed record ProcessSpec(string Name, string FileName, IReadOnlyList<string> Arguments)
{
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public string? WorkingDirectory { get; init; }

    /// <summary>When the AppHost runs as root, the process drops to this user (PostgreSQL refuses to run as root).</summary>
    public string? RunAsUser { get; init; }

    /// <summary>The signal that asks for a graceful stop (PostgreSQL's fast shutdown is SIGINT).</summary>
    public int StopSignal { get; init; } = Posix.SigTerm;

    /// <summary>Completes when the process is up enough for the next process of the instance to start.</summary>
    public Func<CancellationToken, Task>? WaitUntilStarted { get; init; }
}

using System.Diagnostics;
using Aspire.Hosting;

namespace HexProperty.Hosting;

/// <summary>Runs a one-time setup program (initdb, chown, setfacl) to completion, for the servers' preparation.</summary>
internal static class HostCommand
{
    /// <summary>Runs the program; a non-zero exit throws with what it printed, so the resource's log says why.</summary>
    public static async Task<string> RunAsync(
        string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken, string? input = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new DistributedApplicationException($"Could not start {fileName}.");
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var printed = (await output + await errors).Trim();
        return process.ExitCode == 0
            ? printed
            : throw new DistributedApplicationException($"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {printed}");
    }

    /// <summary>Runs the program as another user (PostgreSQL's tools refuse to run as root).</summary>
    public static Task<string> RunAsAsync(
        string? user, string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken, string? input = null, IReadOnlyDictionary<string, string>? environment = null) =>
        user is null
            ? RunAsync(fileName, arguments, cancellationToken, input, environment)
            : RunAsync("/usr/bin/setpriv", ["--reuid", user, "--regid", user, "--init-groups", "--", fileName, .. arguments], cancellationToken, input, environment);
}

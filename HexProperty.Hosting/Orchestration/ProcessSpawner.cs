using System.Collections.Concurrent;
using System.Diagnostics;

namespace HexProperty.Hosting.Orchestration;

/// <summary>
/// Starts every child process from one long-lived thread. Children ask the kernel for SIGKILL when their parent
/// dies (setpriv --pdeathsig), and Linux means the parent *thread*: a child forked from a thread-pool thread
/// would be killed when that thread retires. One dedicated thread that lives as long as the AppHost makes the
/// signal fire exactly when the AppHost dies, including by SIGKILL.
/// </summary>
internal static class ProcessSpawner
{
    private static readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Result)> Requests = [];

    static ProcessSpawner()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "HexProperty process spawner" };
        thread.Start();
    }

    public static Task<Process> StartAsync(ProcessStartInfo info)
    {
        var result = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((info, result));
        return result.Task;
    }

    private static void Run()
    {
        foreach (var (info, result) in Requests.GetConsumingEnumerable())
        {
            try
            {
                var process = new Process { StartInfo = info, EnableRaisingEvents = true };
                process.Start();
                result.SetResult(process);
            }
            catch (Exception e)
            {
                result.SetException(e);
            }
        }
    }
}

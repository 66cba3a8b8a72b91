using System.Runtime.InteropServices;

namespace HexProperty.Hosting.Orchestration;

/// <summary>The few POSIX calls .NET does not expose: sending a chosen signal, and who we run as.</summary>
internal static partial class Posix
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private const int NoSuchProcess = 3;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint SysGetEuid();

    public static bool IsRoot => SysGetEuid() == 0;

    /// <summary>Sends a signal; a process that is already gone is not an error.</summary>
    public static void Signal(int pid, int signal)
    {
        if (SysKill(pid, signal) != 0 && Marshal.GetLastPInvokeError() != NoSuchProcess)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Kills a whole process group (children of a server that outlived it, such as Erlang's helpers).</summary>
    public static void KillGroup(int processGroupId) => Signal(-processGroupId, SigKill);

    public static bool IsAlive(int pid) => SysKill(pid, 0) == 0 || Marshal.GetLastPInvokeError() != NoSuchProcess;

    /// <summary>
    /// The process's start time in clock ticks since boot (field 22 of /proc/pid/stat); with the PID it names one
    /// process for good, so a PID the kernel has since given to another program is never mistaken for ours.
    /// </summary>
    public static long? StartTime(int pid) => StatField(pid, 19);

    /// <summary>The session id of a process (its session leader's PID), or null when it is gone.</summary>
    public static long? SessionId(int pid) => StatField(pid, 3);

    /// <summary>A numeric field of /proc/PID/stat, counted from the state field (field 3 of proc(5)) as 0.</summary>
    private static long? StatField(int pid, int index)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may contain spaces; fields after it are plain.
            var afterName = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(afterName[index], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}

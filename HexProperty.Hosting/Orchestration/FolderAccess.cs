using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HexProperty.Hosting.Orchestration;

/// <summary>
/// A server that drops from root to its own user (PostgreSQL) must be able to walk down to its data folder.
/// When the repository sits below a folder only root may enter (/root on a CI machine), that user is given
/// search permission (x, not read) on the folders in the way, and the AppHost says so.
/// </summary>
internal static class FolderAccess
{
    public static void EnsureUserCanReach(string directory, string user, ILogger logger)
    {
        for (var folder = Path.GetDirectoryName(Path.GetFullPath(directory)); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (File.GetUnixFileMode(folder).HasFlag(UnixFileMode.OtherExecute) || CanEnter(user, folder))
            {
                continue;
            }

            if (File.Exists("/usr/bin/setfacl") && Run("/usr/bin/setfacl", "-m", $"u:{user}:x", folder))
            {
                logger.LogWarning("Gave user {User} search permission (ACL u:{User}:x) on {Folder} so it can reach its data folder.", user, user, folder);
            }
            else
            {
                File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.OtherExecute);
                logger.LogWarning("Gave everyone search permission (o+x) on {Folder} so user {User} can reach its data folder.", folder, user);
            }
        }
    }

    private static bool CanEnter(string user, string folder) =>
        Run("/usr/bin/setpriv", $"--reuid={user}", $"--regid={user}", "--init-groups", "--", "/usr/bin/test", "-x", folder);

    private static bool Run(string fileName, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { RedirectStandardError = true, RedirectStandardOutput = true });
        process!.WaitForExit();
        return process.ExitCode == 0;
    }
}

namespace HexProperty.Hosting;

/// <summary>
/// A server that drops from root to its own user (PostgreSQL) must be able to walk down to its data folder. When the
/// repository sits below a folder only root may enter (/root on a CI machine), that user is given search permission
/// (x, not read) on the folders in the way by ACL.
/// </summary>
internal static class FolderAccess
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Returns the folders it opened, for the resource's log.</summary>
    public static async Task<IReadOnlyList<string>> EnsureUserCanReachAsync(string directory, string user, CancellationToken cancellationToken)
    {
        List<string> opened = [];
        for (var folder = Path.GetDirectoryName(Path.GetFullPath(directory)); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (File.GetUnixFileMode(folder).HasFlag(UnixFileMode.OtherExecute) || await CanEnterAsync(user, folder, cancellationToken))
            {
                continue;
            }

            await HostCommand.RunAsync("/usr/bin/setfacl", ["-m", $"u:{user}:x", folder], cancellationToken);
            opened.Add(folder);
        }

        return opened;
    }

    private static async Task<bool> CanEnterAsync(string user, string folder, CancellationToken cancellationToken)
    {
        try
        {
            await HostCommand.RunAsAsync(user, "/usr/bin/test", ["-x", folder], cancellationToken);
            return true;
        }
        catch (Aspire.Hosting.DistributedApplicationException)
        {
            return false;
        }
    }
}

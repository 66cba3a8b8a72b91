namespace HexProperty.Hosting.Orchestration;

/// <summary>
/// The folder that holds one application's server data, generated credentials, logs and the list of running
/// children. An exclusive lock on it keeps a second AppHost from starting the same servers on the same data.
/// </summary>
internal sealed class DataFolder : IDisposable
{
    private const string LockFileName = "apphost.lock";
    private const string OwnerFileName = "apphost.pid";

    private readonly FileStream _lock;

    private DataFolder(string root, FileStream lockFile)
    {
        Root = root;
        _lock = lockFile;
        Secrets = new SecretStore(Path.Combine(root, "secrets.json"));
        Processes = new ProcessRegistry(Path.Combine(root, "processes.json"));
    }

    public string Root { get; }

    public string LogsDirectory => Path.Combine(Root, "logs");

    public SecretStore Secrets { get; }

    public ProcessRegistry Processes { get; }

    public string ResourceDirectory(string resourceName) => Path.Combine(Root, resourceName);

    /// <summary>
    /// The running servers' connection strings and the projects' URLs, in the shape of the configuration the
    /// projects receive (<c>ConnectionStrings</c>, <c>services:api:http</c>), for tools and people: the seeder, the
    /// benchmarks, psql, redis-cli. Readable only by the owner, like the secrets it holds; rewritten at every start.
    /// </summary>
    public void WriteConnections(IReadOnlyDictionary<string, string> connectionStrings, IReadOnlyDictionary<string, IReadOnlyList<string>> projectUrls)
    {
        var path = Path.Combine(Root, ConnectionsFileName);
        var document = new Dictionary<string, object>
        {
            ["ConnectionStrings"] = connectionStrings,
            ["services"] = projectUrls.ToDictionary(p => p.Key, p => new Dictionary<string, IReadOnlyList<string>> { ["http"] = p.Value }),
        };
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(document, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public const string ConnectionsFileName = "connections.json";

    /// <summary>Takes the folder for this AppHost, or explains who holds it.</summary>
    public static DataFolder Acquire(string root, bool clean)
    {
        // Servers run with their own working directories: every path handed to them must be absolute.
        root = Path.GetFullPath(root);
        Directory.CreateDirectory(root);
        FileStream lockFile;
        try
        {
            // On Linux .NET backs FileShare.None with flock(LOCK_EX): the kernel drops it when the holder dies,
            // even by SIGKILL, so a crashed AppHost never leaves the folder locked.
            lockFile = new FileStream(Path.Combine(root, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var owner = ReadOwner(root);
            throw new DistributedApplicationException(
                $"Another AppHost{owner} is already running on the data folder {root}. " +
                "Stop it first (Ctrl+C in its terminal), or give this one its own folder with --data-path <folder>.");
        }

        if (clean)
        {
            foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos())
            {
                if (entry.Name is LockFileName)
                {
                    continue;
                }

                if (entry is DirectoryInfo directory)
                {
                    directory.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
        }

        File.WriteAllText(Path.Combine(root, OwnerFileName), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new DataFolder(root, lockFile);
    }

    private static string ReadOwner(string root)
    {
        try
        {
            var pid = File.ReadAllText(Path.Combine(root, OwnerFileName)).Trim();
            return $" (PID {pid})";
        }
        catch (IOException)
        {
            return "";
        }
    }

    public void Dispose()
    {
        File.Delete(Path.Combine(Root, OwnerFileName));
        _lock.Dispose();
    }
}

using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HexProperty.Hosting;

/// <summary>A program a server needs, and the Debian package that installs it.</summary>
public sealed record ServerProgram(string Path, string Package, string What)
{
    /// <summary>The program at <paramref name="path"/>, or where <c>LocalServers:Programs:{file name}</c> says it is.</summary>
    public static ServerProgram Find(IDistributedApplicationBuilder builder, string path, string package, string what) =>
        new(builder.Configuration[$"{LocalServers.ProgramsKey}:{System.IO.Path.GetFileName(path)}"] ?? path, package, what);
}

/// <summary>
/// What the local servers of one application share: the data root (<c>LocalServers:DataPath</c>, relative to the
/// AppHost's folder), a lock that keeps a second AppHost off the same data, the clean start
/// (<c>LocalServers:Clean=true</c>, or <c>--clean</c> through <see cref="ExpandArguments"/>), and the supervisor every
/// server runs under.
/// </summary>
public static class LocalServers
{
    public const string DataPathKey = "LocalServers:DataPath";
    public const string CleanKey = "LocalServers:Clean";
    public const string ProgramsKey = "LocalServers:Programs";
    public const string DefaultDataPath = ".hexdata";

    // Keyed by the builder's services: a test's builder (Aspire.Hosting.Testing) wraps the one resource builders carry.
    private static readonly ConditionalWeakTable<IServiceCollection, DataRoot> Roots = [];

    /// <summary>The supervisor script, copied beside the AppHost's assembly.</summary>
    public static string SupervisorPath { get; } = Path.Combine(AppContext.BaseDirectory, "supervise.sh");

    /// <summary>Turns the developer's <c>--clean</c> flag into the configuration key (a flag without a value never
    /// reaches configuration from a command line).</summary>
    public static string[] ExpandArguments(string[] args) =>
        [.. args.Select(a => a == "--clean" ? $"--{CleanKey}=true" : a)];

    /// <summary>The folder that holds every local server's data, created (and emptied for a clean start) on first use in run mode.</summary>
    public static string DataRootPath(this IDistributedApplicationBuilder builder) => Root(builder).Path;

    internal static DataRoot Root(IDistributedApplicationBuilder builder) =>
        Roots.GetValue(builder.Services, _ =>
        {
            var root = new DataRoot(Path.GetFullPath(builder.Configuration[DataPathKey] ?? DefaultDataPath, builder.AppHostDirectory));
            if (builder.ExecutionContext.IsRunMode)
            {
                if (root.Acquire(builder.Configuration.GetValue<bool>(CleanKey)) is { } refused)
                {
                    StopStartup(builder, refused);
                }

                builder.Services.AddSingleton<IHostedService>(_ => root); // released when the application stops or is disposed
            }

            return root;
        });

    /// <summary>
    /// Adds a server as an executable resource: <c>supervise.sh</c> runs <paramref name="program"/> on the proxyless TCP
    /// endpoint DCP allocates, in the server's data folder. A missing program stops start-up naming its Debian package.
    /// The caller appends the program's own arguments with <c>WithArgs</c>.
    /// </summary>
    internal static IResourceBuilder<T> AddLocalServer<T>(
        this IDistributedApplicationBuilder builder, T server, int? port, ServerProgram program, string? stopSignal = null, string? runAs = null)
        where T : ExecutableResource =>
        builder.AddSupervised(server, program, stopSignal, runAs)
            .WithEndpoint(LocalServerResource.PrimaryEndpointName, endpoint =>
            {
                endpoint.Port = port;
                endpoint.IsProxied = false; // the server binds the port itself
                endpoint.UriScheme = "tcp";
                endpoint.Protocol = ProtocolType.Tcp;
                endpoint.TargetHost = "127.0.0.1";
            });

    /// <summary>
    /// Adds an executable resource run under <c>supervise.sh</c> (restarted when it crashes, stopped with its own stop
    /// signal, its PID in <c>server.pid</c> of its working directory, which is created before it starts). A missing
    /// program stops start-up naming its Debian package. The caller adds endpoints and appends the program's arguments.
    /// </summary>
    internal static IResourceBuilder<T> AddSupervised<T>(
        this IDistributedApplicationBuilder builder, T server, ServerProgram program, string? stopSignal = null, string? runAs = null)
        where T : ExecutableResource
    {
        builder.RequirePrograms(program);
        var pidFile = Path.Combine(server.WorkingDirectory, "server.pid");
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, (_, _) =>
        {
            Directory.CreateDirectory(server.WorkingDirectory);
            return Task.CompletedTask;
        });
        return builder.AddResource(server)
            .WithArgs(context =>
            {
                context.Args.Add(SupervisorPath);
                if (stopSignal is not null)
                {
                    context.Args.Add("--stop-signal");
                    context.Args.Add(stopSignal);
                }

                if (runAs is not null)
                {
                    context.Args.Add("--user");
                    context.Args.Add(runAs);
                }

                context.Args.Add("--pid-file");
                context.Args.Add(pidFile);
                context.Args.Add("--");
                context.Args.Add(program.Path);
            });
    }

    /// <summary>A loopback port free right now, for an endpoint whose port must be known when the model is built and
    /// stay the same when its process is started again (one DCP allocates may change at a restart).
    /// Never the same port twice in one process: the kernel may hand a port just released to the next caller.</summary>
    internal static int FreeLoopbackPort()
    {
        while (true)
        {
            using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>Stops start-up, before any process runs, when a program is missing, saying which Debian package installs it.</summary>
    internal static void RequirePrograms(this IDistributedApplicationBuilder builder, params ServerProgram[] programs)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((_, _) =>
        {
            if (programs.FirstOrDefault(p => !File.Exists(p.Path)) is { } missing)
            {
                StopStartup(builder, $"{missing.What} ({missing.Path}) not found: install the Debian package '{missing.Package}' " +
                    $"(sudo apt-get install -y {missing.Package}, or eng/setup.sh).");
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>An AppHost run as its own program prints the one line that says what to do and exits with 1, rather than a
    /// stack trace; hosted by a test, start-up throws it.</summary>
    private static void StopStartup(IDistributedApplicationBuilder builder, string message)
    {
        if (builder.AppHostAssembly is { } appHost && appHost == System.Reflection.Assembly.GetEntryAssembly())
        {
            Console.Error.WriteLine($"fail: {message}");
            Environment.Exit(1);
        }

        throw new DistributedApplicationException(message);
    }

    /// <summary>The data root of one application, locked while it runs.</summary>
    internal sealed class DataRoot(string path) : IHostedService, IDisposable
    {
        private const string LockFileName = "apphost.lock";
        private FileStream? _lock;

        public string Path { get; } = path;

        public string ServerDirectory(string resourceName) => System.IO.Path.Combine(Path, resourceName);

        /// <summary>Takes the folder, emptied first for a clean start; or says who holds it.</summary>
        public string? Acquire(bool clean)
        {
            Directory.CreateDirectory(Path);
            var lockPath = System.IO.Path.Combine(Path, LockFileName);
            try
            {
                // On Linux .NET backs FileShare.None with flock(LOCK_EX): the kernel drops it when the holder dies,
                // even by SIGKILL, so a crashed AppHost never leaves the folder locked.
                _lock = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                var owner = File.Exists(lockPath + ".pid") ? $" (PID {File.ReadAllText(lockPath + ".pid").Trim()})" : "";
                return $"Another AppHost{owner} is already running on the data folder {Path}. Stop it first (Ctrl+C in its terminal), " +
                    $"or give this one its own folder with --{DataPathKey}=<folder>.";
            }

            if (clean)
            {
                foreach (var entry in new DirectoryInfo(Path).EnumerateFileSystemInfos().Where(e => e.Name != LockFileName))
                {
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

            File.WriteAllText(lockPath + ".pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return null;
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Dispose();
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            if (_lock is not null)
            {
                File.Delete(_lock.Name + ".pid");
                _lock.Dispose();
                _lock = null;
            }
        }
    }
}

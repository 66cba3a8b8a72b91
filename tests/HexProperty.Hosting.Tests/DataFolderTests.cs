using HexProperty.Hosting.Orchestration;
using Microsoft.Extensions.Configuration;

namespace HexProperty.Hosting.Tests;

public sealed class DataFolderTests
{
    [Fact]
    public void A_second_AppHost_on_the_same_folder_is_refused_with_the_owner_named()
    {
        using var temporary = new TemporaryFolder();
        using var first = DataFolder.Acquire(temporary.Path, clean: false);

        var error = Assert.Throws<DistributedApplicationException>(() => DataFolder.Acquire(temporary.Path, clean: false));

        Assert.Contains("already running", error.Message, StringComparison.Ordinal);
        Assert.Contains(temporary.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains($"PID {Environment.ProcessId}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_folder_is_free_again_once_released()
    {
        using var temporary = new TemporaryFolder();
        DataFolder.Acquire(temporary.Path, clean: false).Dispose();

        using var again = DataFolder.Acquire(temporary.Path, clean: false);

        Assert.Equal(temporary.Path, again.Root);
    }

    [Fact]
    public void A_relative_folder_is_made_absolute_because_servers_run_in_their_own_directories()
    {
        using var temporary = new TemporaryFolder();
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, temporary.Path);

        using var folder = DataFolder.Acquire(relative, clean: false);

        Assert.True(Path.IsPathRooted(folder.Root));
        Assert.True(Path.IsPathRooted(folder.ResourceDirectory("messaging")));
        Assert.Equal(temporary.Path, folder.Root);
    }

    [Fact]
    public void Data_persists_by_default_and_a_clean_start_empties_the_folder()
    {
        using var temporary = new TemporaryFolder();
        using (var first = DataFolder.Acquire(temporary.Path, clean: false))
        {
            Directory.CreateDirectory(first.ResourceDirectory("postgres"));
            File.WriteAllText(Path.Combine(first.ResourceDirectory("postgres"), "PG_VERSION"), "15");
        }

        using (var warm = DataFolder.Acquire(temporary.Path, clean: false))
        {
            Assert.True(File.Exists(Path.Combine(warm.ResourceDirectory("postgres"), "PG_VERSION")));
        }

        using var clean = DataFolder.Acquire(temporary.Path, clean: true);
        Assert.False(Directory.Exists(clean.ResourceDirectory("postgres")));
    }

    [Fact]
    public void Generated_secrets_are_reused_and_readable_only_by_their_owner()
    {
        using var temporary = new TemporaryFolder();
        string first;
        using (var folder = DataFolder.Acquire(temporary.Path, clean: false))
        {
            first = folder.Secrets.GetOrCreate("postgres-password", 22);
            Assert.Equal(first, folder.Secrets.GetOrCreate("postgres-password", 22));
            Assert.NotEqual(first, folder.Secrets.GetOrCreate("cache-password", 22));
        }

        using var again = DataFolder.Acquire(temporary.Path, clean: false);
        Assert.Equal(first, again.Secrets.GetOrCreate("postgres-password", 22));
        Assert.Matches("^[A-Za-z0-9]{22}$", first);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(temporary.Path, "secrets.json")));
    }

    [Fact]
    public void Connections_are_written_in_the_configuration_shape_the_projects_read_and_only_for_the_owner()
    {
        using var temporary = new TemporaryFolder();
        using var folder = DataFolder.Acquire(temporary.Path, clean: false);

        folder.WriteConnections(
            new Dictionary<string, string> { ["hexdb"] = "Host=127.0.0.1;Port=5999;Database=hexdb" },
            new Dictionary<string, IReadOnlyList<string>> { ["api"] = ["http://127.0.0.1:6001", "http://127.0.0.1:6002"] });

        var path = Path.Combine(temporary.Path, DataFolder.ConnectionsFileName);
        var configuration = new ConfigurationBuilder().AddJsonFile(path).Build();
        Assert.Equal("Host=127.0.0.1;Port=5999;Database=hexdb", configuration.GetConnectionString("hexdb"));
        Assert.Equal("http://127.0.0.1:6002", configuration["services:api:http:1"]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }
}

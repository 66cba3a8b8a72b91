namespace HexProperty.Testing;

/// <summary>
/// A folder of its own under the repository's ignored <c>.hexdata/tests</c> for one test's servers, deleted afterwards
/// (kept when HEXPROPERTY_KEEP_TEST_DATA=1, to look at after a failure).
/// </summary>
public sealed class TestDataFolder : IDisposable
{
    public TestDataFolder(string name)
    {
        Path = System.IO.Path.Combine(RepositoryDirectory, ".hexdata", "tests", $"{name}-{Guid.NewGuid():N}"[..(name.Length + 13)]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The repository the tests were built from: the folder that holds HexProperty.Aspire.sln.</summary>
    public static string RepositoryDirectory { get; } = FindRepository();

    private static string FindRepository()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "HexProperty.Aspire.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No HexProperty.Aspire.sln above {AppContext.BaseDirectory}.");
    }

    public void Dispose()
    {
        if (Directory.Exists(Path) && Environment.GetEnvironmentVariable("HEXPROPERTY_KEEP_TEST_DATA") != "1")
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

namespace HexProperty.Hosting.Tests;

public sealed class PrivateFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hexproperty-private-file-").FullName;

    [Fact]
    public async Task A_secret_file_is_its_owners_alone_and_replaces_a_readable_one_whole()
    {
        var path = Path.Combine(_folder, "connections.json");
        await File.WriteAllTextAsync(path, "old, readable by everyone");
        File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.OtherRead | UnixFileMode.GroupRead);

        await PrivateFile.WriteAsync(path, "password=s3cret");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("password=s3cret", await File.ReadAllTextAsync(path));
        Assert.Equal([path], Directory.GetFiles(_folder)); // no temporary file left beside it
    }

    [Fact]
    public async Task A_new_secret_file_is_created_owner_only()
    {
        var path = Path.Combine(_folder, "definitions.json");

        await PrivateFile.WriteAsync(path, "{}");

        Assert.Equal(PrivateFile.OwnerOnly, File.GetUnixFileMode(path));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

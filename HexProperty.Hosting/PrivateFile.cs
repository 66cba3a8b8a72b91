namespace HexProperty.Hosting;

/// <summary>
/// Writes a file that holds a secret (a password, a connection string) readable by its owner only from its first
/// byte: the text goes to a new file created with mode 0600 beside it, then replaces the old one in one rename. Writing
/// the file and then changing its mode would leave it readable to everyone (umask 022) in between, and an existing
/// file would keep its old mode.
/// </summary>
public static class PrivateFile
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static async Task WriteAsync(string path, string text, CancellationToken cancellationToken = default)
    {
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = OwnerOnly,
                Options = FileOptions.Asynchronous,
            }))
            await using (var writer = new StreamWriter(file))
            {
                await writer.WriteAsync(text.AsMemory(), cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // only there if something failed before the rename
        }
    }
}

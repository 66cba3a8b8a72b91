using System.Buffers.Text;
using System.Text;

namespace HexProperty.Api.Infrastructure;

/// <summary>
/// Where a page ended: its last row's sort key and id, opaque to clients (base64url). The next page starts after it,
/// so a page costs the same however deep it is, and rows added meanwhile never shift or repeat.
/// </summary>
public sealed record KeysetCursor(string Key, Guid Id)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Key}\n{Id}"));

    public static KeysetCursor? Decode(string? value)
    {
        if (value is null or { Length: > 512 })
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value)).Split('\n');
            return parts.Length == 2 && Guid.TryParse(parts[1], out var id) ? new KeysetCursor(parts[0], id) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

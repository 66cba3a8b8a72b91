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

    /// <summary>A cursor for lists sorted by a time, newest first.</summary>
    public static KeysetCursor At(DateTimeOffset time, Guid id) => new(time.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture), id);

    /// <summary>The time of a cursor made by <see cref="At"/>, or null when the key is not one.</summary>
    public DateTimeOffset? Time =>
        long.TryParse(Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : null;

    /// <summary>
    /// Checks a time-sorted list's paging parameters: limit within [1, 100] and a cursor this list returned. On
    /// success, <paramref name="after"/> is the decoded cursor (null for the first page).
    /// </summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem? CheckTimePage(int? limit, string? value, out KeysetCursor? after)
    {
        after = Decode(value);
        if (limit is < 1 or > 100)
        {
            return Problems.Invalid("limit", "must be between 1 and 100");
        }

        return value is not null && after?.Time is null ? Problems.Invalid("after", "is not a cursor this list returned") : null;
    }
}

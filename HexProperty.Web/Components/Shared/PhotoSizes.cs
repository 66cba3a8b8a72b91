using System.Globalization;

namespace HexProperty.Web.Components.Shared;

/// <summary>
/// The images every photo has, as the Worker makes them (HexProperty.Data.Photos.PhotoImages, whose widths these
/// must stay): WebP at 320, 640 and 1280 pixels wide, cropped to 3:2, at /photos/{sha256}/{width}.webp.
/// </summary>
public static class PhotoSizes
{
    public static readonly IReadOnlyList<int> Widths = [320, 640, 1280];

    public static int HeightOf(int width) => width * 2 / 3;

    public static string Url(string sha256, int width) => string.Create(CultureInfo.InvariantCulture, $"/photos/{sha256}/{width}.webp");

    public static string SrcSet(string sha256) => string.Join(", ", Widths.Select(w => string.Create(CultureInfo.InvariantCulture, $"{Url(sha256, w)} {w}w")));
}

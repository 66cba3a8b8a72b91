using System.Security.Cryptography;
using NetVips;

namespace HexProperty.Data.Photos;

/// <summary>
/// What a property photo becomes, in one place for the Api (which checks an upload), the Worker (which makes the images)
/// and the seed: WebP images of <see cref="Widths"/>, each cropped to a 3:2 frame around what libvips finds most
/// interesting, so a page can give every photo its exact width and height before it loads. libvips (NetVips) decodes
/// and shrinks in one streaming pass, which is why it was chosen (bench/README.md has its throughput).
/// </summary>
public static class PhotoImages
{
    /// <summary>The widths made of every photo, smallest first: a search card, a phone's full width, a wide screen.</summary>
    public static readonly IReadOnlyList<int> Widths = [320, 640, 1280];

    /// <summary>The PostgreSQL channel the Api signals on when a photo waits for its images (the Worker listens).</summary>
    public const string QueuedChannel = "photos_queued";

    /// <summary>The largest upload accepted.</summary>
    public const int MaxBytes = 15 * 1024 * 1024;

    /// <summary>The most pixels an original may have: a small file that unpacks to gigabytes is refused before decoding.</summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>The smallest side an original may have: smaller is a thumbnail, not a photo of a stay.</summary>
    public const int MinSide = 320;

    /// <summary>The formats taken, by the libvips loader that recognises them: photos, not documents or vector files.</summary>
    private static readonly HashSet<string> Loaders = ["jpegload_buffer", "pngload_buffer", "webpload_buffer", "heifload_buffer"];

    static PhotoImages()
    {
        // Only libvips' fuzzed, trusted loaders run on what staff upload.
        NetVips.NetVips.BlockUntrusted = true;
    }

    /// <summary>The height of the 3:2 frame at <paramref name="width"/>.</summary>
    public static int HeightOf(int width) => width * 2 / 3;

    /// <summary>The served address of one image, the same on every replica and forever (its name is its content's hash).</summary>
    public static string Path(string sha256, int width) => $"/photos/{sha256}/{width}.webp";

    public static string Sha256(ReadOnlySpan<byte> original) => Convert.ToHexStringLower(SHA256.HashData(original));

    /// <summary>Reads an upload's header only: its size in pixels, or why it is not a photo this site takes.</summary>
    public static (int Width, int Height, string? Problem) Inspect(byte[] original)
    {
        if (original.Length == 0)
        {
            return (0, 0, "is empty");
        }

        if (original.Length > MaxBytes)
        {
            return (0, 0, $"must be at most {MaxBytes / 1024 / 1024} MB");
        }

        try
        {
            using var image = Image.NewFromBuffer(original, access: Enums.Access.Sequential);
            var loader = image.Contains("vips-loader") ? (string)image.Get("vips-loader") : "";
            if (!Loaders.Contains(loader))
            {
                return (0, 0, "must be a JPEG, PNG, WebP or HEIC photo");
            }

            if ((long)image.Width * image.Height > MaxPixels)
            {
                return (image.Width, image.Height, $"must have at most {MaxPixels / 1_000_000} million pixels");
            }

            return Math.Min(image.Width, image.Height) < MinSide
                ? (image.Width, image.Height, $"must be at least {MinSide} pixels on each side")
                : (image.Width, image.Height, null);
        }
        catch (VipsException)
        {
            return (0, 0, "must be a JPEG, PNG, WebP or HEIC photo");
        }
    }

    /// <summary>
    /// Makes the WebP images of every width: the original is decoded once (shrinking on load where the format allows),
    /// framed at the largest width, and each smaller image is resized from that frame, so all widths show the same crop.
    /// Throws <see cref="VipsException"/> on a file libvips cannot decode.
    /// </summary>
    public static IReadOnlyList<PhotoVariant> Make(byte[] original, CancellationToken cancellationToken = default)
    {
        var largest = Widths[^1];
        using var frame = Image.ThumbnailBuffer(original, largest, height: HeightOf(largest), size: Enums.Size.Both,
            crop: Enums.Interesting.Attention, failOn: Enums.FailOn.Error).CopyMemory();
        var variants = new List<PhotoVariant>(Widths.Count);
        foreach (var width in Widths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var sized = width == largest ? frame.Copy() : frame.ThumbnailImage(width, height: HeightOf(width), size: Enums.Size.Both, crop: Enums.Interesting.Centre);
            variants.Add(new PhotoVariant(width, HeightOf(width), sized.WebpsaveBuffer(q: 75, effort: 4, keep: Enums.ForeignKeep.None)));
        }

        return variants;
    }

    /// <summary>
    /// A generated photo for seed data and tests (nothing is downloaded): a sky, hills and a sun from the seed's noise,
    /// as a JPEG original of <paramref name="width"/> by two thirds of it. <paramref name="grain"/> (a standard
    /// deviation in levels) adds a camera's noise, which is what makes real photos large: the benchmark uses it.
    /// </summary>
    public static byte[] Generate(int seed, int width = 1600, double grain = 0)
    {
        var height = HeightOf(width);
        var random = new Random(seed);
        using var noise = Image.Perlin(width, height, cellSize: 160 + random.Next(200), seed: seed);
        using var xyz = Image.Xyz(width, height);
        using var y = xyz[1];
        using var x = xyz[0];
        var horizon = height * (0.45 + random.NextDouble() * 0.2);
        // The hills' edge: a row that rises and falls with the noise.
        using var ground = (y - horizon - noise * (height * 0.12)) > 0;
        double[] sky = [90 + random.Next(60), 150 + random.Next(60), 220 + random.Next(35)];
        double[] land = [40 + random.Next(80), 100 + random.Next(80), 40 + random.Next(40)];
        using var skyShade = 1.0 - y / (height * 1.4);
        using var landShade = (noise + 1.5) / 2.5;
        using var skyRgb = skyShade.Bandjoin(skyShade, skyShade).Linear(sky, [0, 0, 0]);
        using var landRgb = landShade.Bandjoin(landShade, landShade).Linear(land, [0, 0, 0]);
        var sunX = width * (0.2 + random.NextDouble() * 0.6);
        var sunY = horizon * (0.3 + random.NextDouble() * 0.4);
        using var sun = ((x - sunX).Pow(2) + (y - sunY).Pow(2)) < Math.Pow(height * 0.07, 2);
        using var sunRgb = Image.Black(width, height, bands: 3).Linear([0, 0, 0], [255, 236, 170]);
        using var withSun = sun.Ifthenelse(sunRgb, skyRgb);
        using var scene = ground.Ifthenelse(landRgb, withSun);
        using var noisy = grain > 0 ? scene + Image.Gaussnoise(width, height, sigma: grain, seed: seed) : scene.Copy();
        using var picture = noisy.Cast(Enums.BandFormat.Uchar);
        return picture.JpegsaveBuffer(q: 88);
    }
}

/// <summary>One WebP image of a photo.</summary>
public sealed record PhotoVariant(int Width, int Height, byte[] Bytes);

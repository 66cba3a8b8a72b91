using HexProperty.Data.Photos;

namespace HexProperty.Seed;

/// <summary>
/// The seed's photos: a pool of generated pictures (nothing is downloaded), made into images by the same code as staff
/// uploads (PhotoImages) once per run, and shared by the properties (each has a few, picked by its index): stored once
/// each, by their hash, as the same picture uploaded twice would be.
/// </summary>
public static class SeedPhotos
{
    public const int PoolSize = 12;

    private static readonly Lazy<IReadOnlyList<SeedImage>> LazyPool = new(() =>
        [.. Enumerable.Range(0, PoolSize).AsParallel().AsOrdered().Select(i =>
        {
            var original = PhotoImages.Generate(1000 + i);
            var (width, height, _) = PhotoImages.Inspect(original);
            return new SeedImage(PhotoImages.Sha256(original), original.Length, width, height, PhotoImages.Make(original));
        })]);

    public static IReadOnlyList<SeedImage> Pool => LazyPool.Value;

    /// <summary>The hashes of property number <paramref name="index"/>'s photos: <paramref name="count"/> distinct pictures of the pool.</summary>
    public static List<string> For(int index, int count) =>
        [.. Enumerable.Range(0, Math.Min(count, PoolSize)).Select(i => Pool[(index * 7 + i * 5) % PoolSize].Sha256)];
}

public sealed record SeedImage(string Sha256, int OriginalBytes, int Width, int Height, IReadOnlyList<PhotoVariant> Variants);

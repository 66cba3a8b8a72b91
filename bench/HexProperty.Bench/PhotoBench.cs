using System.Diagnostics;
using HexProperty.Data.Photos;
using NetVips;

namespace HexProperty.Bench;

/// <summary>
/// <c>photos [count] [runs]</c>: the photo pipeline (PhotoImages.Make: decode once, frame at 1280, resize to 640 and
/// 320, encode WebP) on generated camera-like originals (4000 × 2666 JPEG with sensor noise), on one libvips thread
/// (per core) and on all of them. Beside it, in the same run: the decode alone (the JPEG shrunk on load to the
/// largest frame, what any pipeline pays before it encodes anything), and the obvious pipeline (one thumbnail call
/// per width, decoding the original three times). Prints a progress line, then Markdown rows for bench/README.md.
/// </summary>
internal static class PhotoBench
{
    public static int Run(int count, int runs)
    {
        Console.Error.WriteLine($"generating {count} originals…");
        var originals = Enumerable.Range(0, count).AsParallel().AsOrdered().Select(i => PhotoImages.Generate(7000 + i, 4000, grain: 10)).ToList();
        var originalBytes = originals.Sum(o => (long)o.Length);
        var made = originals.Select(o => PhotoImages.Make(o)).ToList();
        var imageBytes = made.Sum(m => m.Sum(v => (long)v.Bytes.Length));
        var largestBytes = made.Sum(m => (long)m[^1].Bytes.Length);

        var rows = new List<(string Name, int Threads, List<double> PerSecond)>();
        foreach (var threads in new[] { 1, Environment.ProcessorCount })
        {
            NetVips.NetVips.Concurrency = threads;
            rows.Add(("decode only (the ceiling)", threads, Repeat(runs, originals, DecodeOnly)));
            rows.Add(("PhotoImages.Make (decode once)", threads, Repeat(runs, originals, o => PhotoImages.Make(o))));
            rows.Add(("one thumbnail per width (decode 3 times)", threads, Repeat(runs, originals, ThumbnailPerWidth)));
        }

        Console.WriteLine($"| pipeline | libvips threads | photos/s (median, range of {runs} runs) | ratio to the ceiling |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (name, threads, perSecond) in rows)
        {
            var ceiling = Bench.Median(rows.Single(r => r.Threads == threads && r.Name.StartsWith("decode", StringComparison.Ordinal)).PerSecond);
            Console.WriteLine(Bench.Format($"| {name} | {threads} | {Bench.Median(perSecond):F2} ({perSecond.Min():F2}-{perSecond.Max():F2}) | {Bench.Median(perSecond) / ceiling:F2} |"));
        }

        Console.WriteLine();
        Console.WriteLine(Bench.Format($"Bytes: {count} originals {originalBytes / 1024.0 / 1024:F1} MB; their three WebP widths {imageBytes / 1024.0 / 1024:F2} MB ({100.0 * imageBytes / originalBytes:F1} % of the originals); the 1280 width alone {100.0 * largestBytes / originalBytes:F1} %."));
        return 0;
    }

    private static List<double> Repeat(int runs, List<byte[]> originals, Action<byte[]> work)
    {
        var perSecond = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < originals.Count; i++)
            {
                work(originals[i]);
                Console.Error.Write($"\r  run {run}/{runs}: {i + 1}/{originals.Count} photos ({100 * (i + 1) / originals.Count} %)   ");
            }

            perSecond.Add(originals.Count / clock.Elapsed.TotalSeconds);
        }

        Console.Error.WriteLine();
        return perSecond;
    }

    private static void DecodeOnly(byte[] original)
    {
        var largest = PhotoImages.Widths[^1];
        using var frame = Image.ThumbnailBuffer(original, largest, height: PhotoImages.HeightOf(largest), size: Enums.Size.Both, crop: Enums.Interesting.Attention);
        using var pixels = frame.CopyMemory();
    }

    private static void ThumbnailPerWidth(byte[] original)
    {
        foreach (var width in PhotoImages.Widths)
        {
            using var frame = Image.ThumbnailBuffer(original, width, height: PhotoImages.HeightOf(width), size: Enums.Size.Both, crop: Enums.Interesting.Attention);
            frame.WebpsaveBuffer(q: 75, effort: 4, keep: Enums.ForeignKeep.None);
        }
    }
}

namespace HexProperty.Dashboard.Telemetry;

/// <summary>Percentiles from explicit-bucket histograms, the shape OTLP's .NET exporter sends.</summary>
public static class HistogramMath
{
    /// <summary>
    /// The value below which <paramref name="quantile"/> of the counts fall, interpolated linearly inside the bucket
    /// that holds it (bucket i covers (bounds[i-1], bounds[i]]; the last is open above, so its upper edge is
    /// <paramref name="max"/> or, unknown, its lower bound). Null when the histogram is empty.
    /// </summary>
    public static double? Percentile(IReadOnlyList<double> bounds, IReadOnlyList<ulong> counts, double quantile, double? min = null, double? max = null)
    {
        ulong total = 0;
        foreach (var count in counts)
        {
            total += count;
        }

        if (total == 0)
        {
            return null;
        }

        var rank = quantile * total;
        ulong seen = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            if (counts[i] == 0 || seen + counts[i] < rank)
            {
                seen += counts[i];
                continue;
            }

            var lower = i == 0 ? min ?? Math.Min(0, bounds.Count > 0 ? bounds[0] : 0) : bounds[i - 1];
            var upper = i < bounds.Count ? bounds[i] : max ?? lower;
            var value = lower + ((upper - lower) * Math.Clamp((rank - seen) / counts[i], 0, 1));
            value = min is { } smallest ? Math.Max(value, smallest) : value;
            return max is { } largest ? Math.Min(value, largest) : value;
        }

        return bounds.Count > 0 ? bounds[^1] : max;
    }

    /// <summary>Adds <paramref name="counts"/> into <paramref name="into"/> (same bounds), growing it as needed.</summary>
    public static void Add(List<ulong> into, IReadOnlyList<ulong> counts)
    {
        for (var i = 0; i < counts.Count; i++)
        {
            if (i < into.Count)
            {
                into[i] += counts[i];
            }
            else
            {
                into.Add(counts[i]);
            }
        }
    }
}

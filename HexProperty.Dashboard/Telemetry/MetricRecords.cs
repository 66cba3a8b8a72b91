namespace HexProperty.Dashboard.Telemetry;

public enum InstrumentKind
{
    Gauge,
    Counter,
    UpDownCounter,
    Histogram,
}

/// <summary>
/// One export of one series. Sums and histograms are kept as what happened in the interval (<see cref="Delta"/>,
/// <see cref="BucketCounts"/>), whatever temporality the service exported, so charts and alerts never difference
/// cumulative values themselves. A gauge or up-down counter keeps its <see cref="Value"/>.
/// </summary>
public sealed record MetricPoint(
    DateTimeOffset Time,
    TimeSpan Interval,
    double Value,
    double Delta,
    ulong Count,
    double Sum,
    IReadOnlyList<ulong> BucketCounts,
    double? Min,
    double? Max);

/// <summary>One attribute combination of an instrument, from one instance.</summary>
public sealed class MetricSeries(string instance, IReadOnlyList<KeyValuePair<string, string>> attributes, int capacity)
{
    internal RingBuffer<MetricPoint> Points { get; } = new(capacity);

    /// <summary>The last cumulative point, to turn the next into an interval.</summary>
    internal (DateTimeOffset Start, double Value, ulong Count, double Sum, ulong[] Buckets)? LastCumulative { get; set; }

    public string Instance { get; } = instance;

    public IReadOnlyList<KeyValuePair<string, string>> Attributes { get; } = attributes;

    public string? Attribute(string key) => Attributes.FirstOrDefault(a => a.Key == key).Value;

    public string Label => Attributes.Count == 0 ? Instance : Instance + " " + string.Join(", ", Attributes.Select(a => $"{a.Key}={a.Value}"));
}

/// <summary>An instrument of one resource: its description and its series.</summary>
public sealed class Instrument(string resource, string meter, string name, string unit, string description, InstrumentKind kind)
{
    internal Dictionary<string, MetricSeries> Series { get; } = new(StringComparer.Ordinal);

    public string Resource { get; } = resource;

    public string Meter { get; } = meter;

    public string Name { get; } = name;

    public string Unit { get; } = unit;

    public string Description { get; } = description;

    public InstrumentKind Kind { get; } = kind;

    /// <summary>Histogram bucket bounds; .NET exports the same bounds for every series of an instrument.</summary>
    public IReadOnlyList<double> Bounds { get; internal set; } = [];
}

/// <summary>What the metrics page lists: an instrument and how many series it has.</summary>
public sealed record InstrumentSummary(string Resource, string Meter, string Name, string Unit, string Description, InstrumentKind Kind, int SeriesCount);

/// <summary>A chartable value over time.</summary>
public sealed record ChartSeries(string Label, IReadOnlyList<(DateTimeOffset Time, double Value)> Points);

using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Metrics.V1;

namespace HexProperty.Dashboard.Telemetry;

/// <summary>
/// The services' metrics by resource and instrument: each series keeps its newest
/// <see cref="DashboardOptions.MaxPointsPerSeries"/> points, each instrument at most
/// <see cref="DashboardOptions.MaxSeriesPerInstrument"/> series.
/// </summary>
public sealed class MetricStore(DashboardOptions options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Resource, string Meter, string Name), Instrument> _instruments = [];

    /// <summary>Takes an export; returns how many data points it refused (an instrument over its series limit).</summary>
    public long Add(ExportMetricsServiceRequest export)
    {
        long rejected = 0;
        lock (_gate)
        {
            foreach (var resourceMetrics in export.ResourceMetrics)
            {
                var (resource, instance) = OtlpValues.Source(resourceMetrics.Resource);
                foreach (var scope in resourceMetrics.ScopeMetrics)
                {
                    foreach (var metric in scope.Metrics)
                    {
                        rejected += Add(resource, instance, scope.Scope?.Name ?? "", metric);
                    }
                }
            }
        }

        return rejected;
    }

    private long Add(string resource, string instance, string meter, Metric metric)
    {
        var kind = metric.DataCase switch
        {
            Metric.DataOneofCase.Gauge => InstrumentKind.Gauge,
            Metric.DataOneofCase.Sum => metric.Sum.IsMonotonic ? InstrumentKind.Counter : InstrumentKind.UpDownCounter,
            Metric.DataOneofCase.Histogram => InstrumentKind.Histogram,
            _ => (InstrumentKind?)null, // exponential histograms and summaries: the .NET SDK sends neither by default
        };
        if (kind is null || string.IsNullOrEmpty(metric.Name))
        {
            return 0;
        }

        var key = (resource, meter, metric.Name);
        if (!_instruments.TryGetValue(key, out var instrument) || instrument.Kind != kind)
        {
            _instruments[key] = instrument = new Instrument(resource, meter, metric.Name, metric.Unit, metric.Description, kind.Value);
        }

        long rejected = 0;
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                foreach (var point in metric.Gauge.DataPoints)
                {
                    rejected += AddNumber(instrument, instance, point, cumulative: false, isSum: false);
                }

                break;
            case Metric.DataOneofCase.Sum:
                var cumulative = metric.Sum.AggregationTemporality != AggregationTemporality.Delta;
                foreach (var point in metric.Sum.DataPoints)
                {
                    rejected += AddNumber(instrument, instance, point, cumulative, isSum: true);
                }

                break;
            case Metric.DataOneofCase.Histogram:
                var cumulativeHistogram = metric.Histogram.AggregationTemporality != AggregationTemporality.Delta;
                foreach (var point in metric.Histogram.DataPoints)
                {
                    rejected += AddHistogram(instrument, instance, point, cumulativeHistogram);
                }

                break;
        }

        return rejected;
    }

    private MetricSeries? SeriesOf(Instrument instrument, string instance, Google.Protobuf.Collections.RepeatedField<OpenTelemetry.Proto.Common.V1.KeyValue> attributes)
    {
        var values = OtlpValues.Attributes(attributes).OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
        var key = instance + "\u001f" + string.Join("\u001f", values.Select(a => a.Key + "=" + a.Value));
        if (!instrument.Series.TryGetValue(key, out var series))
        {
            if (instrument.Series.Count >= options.MaxSeriesPerInstrument)
            {
                return null;
            }

            instrument.Series[key] = series = new MetricSeries(instance, values, options.MaxPointsPerSeries);
        }

        return series;
    }

    private long AddNumber(Instrument instrument, string instance, NumberDataPoint point, bool cumulative, bool isSum)
    {
        if (SeriesOf(instrument, instance, point.Attributes) is not { } series)
        {
            return 1;
        }

        var value = point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;
        var time = OtlpValues.Time(point.TimeUnixNano);
        var start = OtlpValues.Time(point.StartTimeUnixNano);
        double delta;
        TimeSpan interval;
        if (isSum && cumulative)
        {
            var last = series.LastCumulative;
            var continues = last is { } previous && previous.Start == start && value >= previous.Value;
            delta = continues ? value - last!.Value.Value : value;
            interval = continues ? time - series.Points.Newest.Time : time - start;
            series.LastCumulative = (start, value, 0, 0, []);
        }
        else
        {
            delta = value;
            interval = time - start;
        }

        series.Points.Add(new MetricPoint(time, interval, value, delta, 0, 0, [], null, null), out _);
        return 0;
    }

    private long AddHistogram(Instrument instrument, string instance, HistogramDataPoint point, bool cumulative)
    {
        if (SeriesOf(instrument, instance, point.Attributes) is not { } series)
        {
            return 1;
        }

        if (instrument.Bounds.Count != point.ExplicitBounds.Count)
        {
            instrument.Bounds = [.. point.ExplicitBounds];
        }

        var time = OtlpValues.Time(point.TimeUnixNano);
        var start = OtlpValues.Time(point.StartTimeUnixNano);
        var buckets = point.BucketCounts.ToArray();
        var count = point.Count;
        var sum = point.HasSum ? point.Sum : 0;
        var interval = time - start;
        if (cumulative)
        {
            var last = series.LastCumulative;
            series.LastCumulative = (start, 0, count, sum, buckets);
            if (last is { } previous && previous.Start == start && count >= previous.Count && previous.Buckets.Length == buckets.Length)
            {
                buckets = [.. buckets.Select((c, i) => c - Math.Min(c, previous.Buckets[i]))];
                count -= previous.Count;
                sum -= previous.Sum;
                interval = time - series.Points.Newest.Time;
            }
        }

        series.Points.Add(new MetricPoint(time, interval, count, count, count, sum, buckets, point.HasMin ? point.Min : null, point.HasMax ? point.Max : null), out _);
        return 0;
    }

    public IReadOnlyList<InstrumentSummary> Instruments(string? resource = null)
    {
        lock (_gate)
        {
            return [.. _instruments.Values
                .Where(i => resource is null || i.Resource == resource)
                .OrderBy(i => i.Resource, StringComparer.Ordinal).ThenBy(i => i.Meter, StringComparer.Ordinal).ThenBy(i => i.Name, StringComparer.Ordinal)
                .Select(i => new InstrumentSummary(i.Resource, i.Meter, i.Name, i.Unit, i.Description, i.Kind, i.Series.Count))];
        }
    }

    public IReadOnlyList<string> Resources
    {
        get
        {
            lock (_gate)
            {
                return [.. _instruments.Keys.Select(k => k.Resource).Distinct().Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Runs <paramref name="read"/> over the instrument (by resource and name, any meter) under the store's lock.</summary>
    public T? Read<T>(string resource, string name, Func<Instrument, IEnumerable<MetricSeries>, T> read, string? meter = null)
    {
        lock (_gate)
        {
            var instrument = _instruments.Values.FirstOrDefault(i => i.Resource == resource && i.Name == name && (meter is null || i.Meter == meter));
            return instrument is null ? default : read(instrument, instrument.Series.Values);
        }
    }

    /// <summary>
    /// What the metrics page charts for an instrument since <paramref name="since"/>, in time slots of
    /// <paramref name="slot"/>: a histogram's p50, p95 and p99 over all its series; a counter's total rate per second;
    /// a gauge's or up-down counter's value per series (the first <paramref name="maxLines"/>).
    /// </summary>
    public IReadOnlyList<ChartSeries> Chart(string resource, string meter, string name, DateTimeOffset since, TimeSpan slot, int maxLines = 6) =>
        Read(resource, name, (instrument, series) => instrument.Kind switch
        {
            InstrumentKind.Histogram => HistogramChart(instrument, series, since, slot),
            InstrumentKind.Counter => [RateChart(series, since, slot)],
            _ => [.. series.Take(maxLines).Select(s => new ChartSeries(s.Label, [.. s.Points.Items().Where(p => p.Time >= since).Select(p => (p.Time, p.Value))]))],
        }, meter) ?? [];

    private static DateTimeOffset SlotOf(DateTimeOffset time, TimeSpan slot) => new(time.UtcTicks - (time.UtcTicks % slot.Ticks), TimeSpan.Zero);

    private static List<ChartSeries> HistogramChart(Instrument instrument, IEnumerable<MetricSeries> series, DateTimeOffset since, TimeSpan slot)
    {
        var slots = new SortedDictionary<DateTimeOffset, List<ulong>>();
        foreach (var point in series.SelectMany(s => s.Points.Items()).Where(p => p.Time >= since && p.Count > 0))
        {
            var key = SlotOf(point.Time, slot);
            if (!slots.TryGetValue(key, out var merged))
            {
                slots[key] = merged = [];
            }

            HistogramMath.Add(merged, point.BucketCounts);
        }

        return [.. new[] { ("p50", 0.5), ("p95", 0.95), ("p99", 0.99) }.Select(q => new ChartSeries(q.Item1, [.. slots
            .Select(s => (s.Key, HistogramMath.Percentile(instrument.Bounds, s.Value, q.Item2)))
            .Where(p => p.Item2 is not null)
            .Select(p => (p.Key, p.Item2!.Value))]))];
    }

    private static ChartSeries RateChart(IEnumerable<MetricSeries> series, DateTimeOffset since, TimeSpan slot)
    {
        var slots = new SortedDictionary<DateTimeOffset, double>();
        foreach (var point in series.SelectMany(s => s.Points.Items()).Where(p => p.Time >= since))
        {
            var key = SlotOf(point.Time, slot);
            slots[key] = slots.GetValueOrDefault(key) + point.Delta;
        }

        return new ChartSeries("per second", [.. slots.Select(s => (s.Key, s.Value / slot.TotalSeconds))]);
    }
}

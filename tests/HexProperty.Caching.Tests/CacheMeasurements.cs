using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace HexProperty.Caching.Tests;

/// <summary>Sums of one node's cache instruments, by instrument and tags, as an exporter would see them.</summary>
public sealed class CacheMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _sums = new();

    public CacheMeasurements(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == scope && instrument.Meter.Name == "HexProperty.Caching")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, 1, tags)); // histograms: count
        _listener.Start();
    }

    /// <summary>The sum of an instrument over measurements carrying all the given tags ("name=value").</summary>
    public long Sum(string instrument, params string[] tags) =>
        (long)_sums.Where(s => s.Key.StartsWith(instrument + "|", StringComparison.Ordinal) && tags.All(t => s.Key.Contains("|" + t + "|", StringComparison.Ordinal)))
            .Sum(s => s.Value);

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = instrument.Name + "|" + string.Concat(tags.ToArray().OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}|"));
        _sums.AddOrUpdate(key, value, (_, sum) => sum + value);
    }
}

namespace HexProperty.Dashboard.Telemetry;

/// <summary>
/// The structured logs and spans the services export, newest kept: one ring buffer of each per resource, bounded by
/// <see cref="DashboardOptions.MaxLogsPerResource"/> and <see cref="DashboardOptions.MaxSpansPerResource"/>, so a
/// flood of telemetry drops the oldest instead of growing the AppHost. Spans are also indexed by trace, across
/// resources, so a trace assembles from every service that took part.
/// </summary>
public sealed class TelemetryStore(DashboardOptions options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RingBuffer<LogEntry>> _logs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RingBuffer<SpanRecord>> _spans = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SpanRecord>> _traces = new(StringComparer.Ordinal);
    private long _logSequence;

    public void AddLog(Func<long, LogEntry> create)
    {
        lock (_gate)
        {
            var entry = create(++_logSequence);
            Buffer(_logs, entry.Resource, options.MaxLogsPerResource).Add(entry, out _);
        }
    }

    public void AddSpans(IEnumerable<SpanRecord> spans)
    {
        lock (_gate)
        {
            foreach (var span in spans)
            {
                if (Buffer(_spans, span.Resource, options.MaxSpansPerResource).Add(span, out var evicted))
                {
                    Unindex(evicted);
                }

                if (!_traces.TryGetValue(span.TraceId, out var trace))
                {
                    _traces[span.TraceId] = trace = [];
                }

                trace.Add(span);
            }
        }
    }

    private void Unindex(SpanRecord span)
    {
        if (_traces.TryGetValue(span.TraceId, out var trace))
        {
            trace.Remove(span);
            if (trace.Count == 0)
            {
                _traces.Remove(span.TraceId);
            }
        }
    }

    private static RingBuffer<T> Buffer<T>(Dictionary<string, RingBuffer<T>> buffers, string resource, int capacity)
    {
        if (!buffers.TryGetValue(resource, out var buffer))
        {
            buffers[resource] = buffer = new RingBuffer<T>(capacity);
        }

        return buffer;
    }

    /// <summary>Every resource that has sent logs or spans, by name.</summary>
    public IReadOnlyList<string> Resources
    {
        get
        {
            lock (_gate)
            {
                return [.. _logs.Keys.Union(_spans.Keys).Order(StringComparer.Ordinal)];
            }
        }
    }

    public int SpanCount(string resource)
    {
        lock (_gate)
        {
            return _spans.TryGetValue(resource, out var buffer) ? buffer.Count : 0;
        }
    }

    public int LogCount(string resource)
    {
        lock (_gate)
        {
            return _logs.TryGetValue(resource, out var buffer) ? buffer.Count : 0;
        }
    }

    public int TraceCount
    {
        get
        {
            lock (_gate)
            {
                return _traces.Count;
            }
        }
    }

    /// <summary>Newest first, at most <see cref="LogQuery.Limit"/>.</summary>
    public IReadOnlyList<LogEntry> QueryLogs(LogQuery query)
    {
        lock (_gate)
        {
            var sources = query.Resource is { } resource
                ? _logs.TryGetValue(resource, out var one) ? [one] : []
                : _logs.Values.ToList();
            return [.. sources.SelectMany(b => b.Items())
                .Where(query.Matches)
                .OrderByDescending(e => e.Sequence)
                .Take(query.Limit)];
        }
    }

    /// <summary>Newest first: traces that have a span of <see cref="TraceQuery.Resource"/> and whose spans' names contain the text.</summary>
    public IReadOnlyList<TraceSummary> QueryTraces(TraceQuery query)
    {
        lock (_gate)
        {
            return [.. _traces.Values
                .Where(spans => query.Resource is null || spans.Exists(s => s.Resource == query.Resource))
                .Where(spans => string.IsNullOrEmpty(query.Text) || spans.Exists(s => s.Name.Contains(query.Text, StringComparison.OrdinalIgnoreCase)))
                .Select(Summarize)
                .OrderByDescending(t => t.Start)
                .Take(query.Limit)];
        }
    }

    /// <summary>The spans of a trace, in start order, or null when none of it is kept.</summary>
    public IReadOnlyList<SpanRecord>? GetTrace(string traceId)
    {
        lock (_gate)
        {
            return _traces.TryGetValue(traceId.ToLowerInvariant(), out var spans) ? [.. spans.OrderBy(s => s.Start)] : null;
        }
    }

    private static TraceSummary Summarize(List<SpanRecord> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        var root = spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).MinBy(s => s.Start) ?? spans[0];
        var start = spans.Min(s => s.Start);
        return new TraceSummary(
            root.TraceId, root.Name, root.Resource, start, spans.Max(s => s.End) - start, spans.Count,
            spans.Exists(s => s.IsError), [.. spans.Select(s => s.Resource).Distinct().Order(StringComparer.Ordinal)]);
    }
}

public sealed record LogQuery(string? Resource = null, LogLevelName? MinimumLevel = null, string? Text = null, string? TraceId = null, int Limit = 500)
{
    public bool Matches(LogEntry entry) =>
        (MinimumLevel is null || entry.Level >= MinimumLevel)
        && (string.IsNullOrEmpty(TraceId) || string.Equals(entry.TraceId, TraceId, StringComparison.OrdinalIgnoreCase))
        && (string.IsNullOrEmpty(Text)
            || entry.Message.Contains(Text, StringComparison.OrdinalIgnoreCase)
            || entry.Category.Contains(Text, StringComparison.OrdinalIgnoreCase));
}

public sealed record TraceQuery(string? Resource = null, string? Text = null, int Limit = 200);

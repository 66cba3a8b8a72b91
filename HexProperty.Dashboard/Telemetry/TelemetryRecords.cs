namespace HexProperty.Dashboard.Telemetry;

/// <summary>One structured log record as a service exported it.</summary>
public sealed record LogEntry(
    long Sequence,
    DateTimeOffset Timestamp,
    string Resource,
    string Instance,
    int SeverityNumber,
    string Category,
    string Message,
    string? TraceId,
    string? SpanId,
    IReadOnlyList<KeyValuePair<string, string>> Attributes)
{
    public LogLevelName Level => LogLevelNames.FromSeverity(SeverityNumber);
}

/// <summary>OTLP severity numbers come in bands of four; the dashboard filters by band.</summary>
public enum LogLevelName
{
    Trace = 1,
    Debug = 5,
    Information = 9,
    Warning = 13,
    Error = 17,
    Critical = 21,
}

public static class LogLevelNames
{
    public static LogLevelName FromSeverity(int severity) => severity switch
    {
        >= 21 => LogLevelName.Critical,
        >= 17 => LogLevelName.Error,
        >= 13 => LogLevelName.Warning,
        >= 9 => LogLevelName.Information,
        >= 5 => LogLevelName.Debug,
        _ => LogLevelName.Trace,
    };
}

public sealed record SpanEventRecord(DateTimeOffset Timestamp, string Name, IReadOnlyList<KeyValuePair<string, string>> Attributes);

/// <summary>One span as a service exported it; ids are lower-case hex.</summary>
public sealed record SpanRecord(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Kind,
    DateTimeOffset Start,
    DateTimeOffset End,
    bool IsError,
    string? StatusMessage,
    string Resource,
    string Instance,
    string Scope,
    IReadOnlyList<KeyValuePair<string, string>> Attributes,
    IReadOnlyList<SpanEventRecord> Events)
{
    public TimeSpan Duration => End - Start;

    public string? Attribute(string key) => Attributes.FirstOrDefault(a => a.Key == key).Value;
}

/// <summary>A trace as the list shows it: its root, its extent and the services it crossed.</summary>
public sealed record TraceSummary(
    string TraceId,
    string RootName,
    string RootResource,
    DateTimeOffset Start,
    TimeSpan Duration,
    int SpanCount,
    bool HasError,
    IReadOnlyList<string> Resources);

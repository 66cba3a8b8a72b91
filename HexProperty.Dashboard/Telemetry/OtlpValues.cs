using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;

namespace HexProperty.Dashboard.Telemetry;

/// <summary>How OTLP's wire values read on the dashboard: times, ids and attribute values.</summary>
internal static class OtlpValues
{
    public const string ServiceName = "service.name";
    public const string ServiceInstanceId = "service.instance.id";

    public static DateTimeOffset Time(ulong unixNanos) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)(unixNanos / 100));

    /// <summary>Lower-case hex, or null for an absent id (all zero bytes or empty).</summary>
    public static string? Id(ByteString bytes) =>
        bytes.IsEmpty || bytes.Span.IndexOfAnyExcept((byte)0) < 0 ? null : Convert.ToHexStringLower(bytes.Span);

    public static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(", ", value.ArrayValue.Values.Select(Text)) + "]",
        AnyValue.ValueOneofCase.KvlistValue => "{" + string.Join(", ", value.KvlistValue.Values.Select(kv => kv.Key + "=" + Text(kv.Value))) + "}",
        AnyValue.ValueOneofCase.BytesValue => Convert.ToHexStringLower(value.BytesValue.Span),
        _ => "",
    };

    public static IReadOnlyList<KeyValuePair<string, string>> Attributes(RepeatedField<KeyValue> attributes) =>
        [.. attributes.Select(a => new KeyValuePair<string, string>(a.Key, Text(a.Value)))];

    public static string? Attribute(RepeatedField<KeyValue> attributes, string key) =>
        attributes.FirstOrDefault(a => a.Key == key) is { } found ? Text(found.Value) : null;

    /// <summary>The resource (service.name) and instance (service.instance.id) an export came from.</summary>
    public static (string Resource, string Instance) Source(OpenTelemetry.Proto.Resource.V1.Resource? resource)
    {
        var name = resource is null ? null : Attribute(resource.Attributes, ServiceName);
        var instance = resource is null ? null : Attribute(resource.Attributes, ServiceInstanceId);
        name = string.IsNullOrWhiteSpace(name) ? "unknown_service" : name;
        return (name, string.IsNullOrWhiteSpace(instance) ? name : instance);
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Caching.Hybrid;

namespace HexProperty.Caching;

/// <summary>
/// Finds the serializer for a type the way Microsoft's HybridCache does: a registered
/// <see cref="IHybridCacheSerializer{T}"/>, else the last registered factory that accepts the type, else built-ins
/// for string and byte[], else System.Text.Json through the configured (source-generated) resolver.
/// </summary>
internal sealed class CacheSerializers(IServiceProvider services, JsonSerializerOptions jsonOptions)
{
    private readonly ConcurrentDictionary<Type, object> _serializers = new();
    private readonly IHybridCacheSerializerFactory[] _factories = [.. ((IEnumerable<IHybridCacheSerializerFactory>?)services.GetService(typeof(IEnumerable<IHybridCacheSerializerFactory>)) ?? []).Reverse()];

    public IHybridCacheSerializer<T> For<T>() => (IHybridCacheSerializer<T>)_serializers.GetOrAdd(typeof(T), _ => Create<T>());

    public byte[] Serialize<T>(T value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        For<T>().Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public T Deserialize<T>(ReadOnlyMemory<byte> payload) => For<T>().Deserialize(new ReadOnlySequence<byte>(payload));

    /// <summary>
    /// Whether one deserialized instance may be handed to every caller: strings and other immutable built-ins, and
    /// sealed types marked <c>[ImmutableObject(true)]</c>. Anything else is deserialized per call, so a caller that
    /// mutates what it got cannot corrupt what the next caller gets.
    /// </summary>
    public static bool IsReusable<T>() => Reusable<T>.Value;

    private IHybridCacheSerializer<T> Create<T>()
    {
        if (services.GetService(typeof(IHybridCacheSerializer<T>)) is IHybridCacheSerializer<T> registered)
        {
            return registered;
        }

        foreach (var factory in _factories)
        {
            if (factory.TryCreateSerializer<T>(out var created))
            {
                return created;
            }
        }

        if (typeof(T) == typeof(string))
        {
            return (IHybridCacheSerializer<T>)(object)new StringSerializer();
        }

        if (typeof(T) == typeof(byte[]))
        {
            return (IHybridCacheSerializer<T>)(object)new BytesSerializer();
        }

        if (!jsonOptions.TryGetTypeInfo(typeof(T), out var typeInfo))
        {
            throw new InvalidOperationException(
                $"The hybrid cache has no serializer for {typeof(T)}: add it to the JsonSerializerContext set as Caching's SerializerOptions, or register an IHybridCacheSerializer<{typeof(T).Name}>.");
        }

        return new JsonSerializer<T>((JsonTypeInfo<T>)typeInfo);
    }

    private static class Reusable<T>
    {
        public static readonly bool Value = typeof(T) == typeof(string) || typeof(T).IsPrimitive || typeof(T).IsEnum
            || (typeof(T).IsSealed && typeof(T).GetCustomAttribute<ImmutableObjectAttribute>() is { Immutable: true });
    }

    private sealed class StringSerializer : IHybridCacheSerializer<string>
    {
        public string Deserialize(ReadOnlySequence<byte> source) => Encoding.UTF8.GetString(source);

        public void Serialize(string value, IBufferWriter<byte> target) => Encoding.UTF8.GetBytes(value, target);
    }

    private sealed class BytesSerializer : IHybridCacheSerializer<byte[]>
    {
        public byte[] Deserialize(ReadOnlySequence<byte> source) => source.ToArray();

        public void Serialize(byte[] value, IBufferWriter<byte> target) => target.Write(value);
    }

    private sealed class JsonSerializer<T>(JsonTypeInfo<T> typeInfo) : IHybridCacheSerializer<T>
    {
        public T Deserialize(ReadOnlySequence<byte> source)
        {
            var reader = new Utf8JsonReader(source);
            return JsonSerializer.Deserialize(ref reader, typeInfo)!;
        }

        public void Serialize(T value, IBufferWriter<byte> target)
        {
            using var writer = new Utf8JsonWriter(target);
            JsonSerializer.Serialize(writer, value, typeInfo);
        }
    }
}

using System.Buffers.Binary;
using System.Text;

namespace HexProperty.Caching;

/// <summary>
/// The messages nodes exchange over Redis pub/sub so that a write on one node reaches every node's memory: which tags
/// and keys were invalidated and when, and which keys got a new value. No values travel; a node that dropped an entry
/// reloads it from Redis when asked. A node ignores its own messages by instance id.
/// </summary>
internal static class CacheBackplane
{
    public const byte Version = 1;
    private const int Header = 1 + 16 + sizeof(long) + sizeof(ushort);

    public static byte[] Encode(Guid sender, long sentAt, IReadOnlyList<Invalidation> items)
    {
        var names = items.Select(i => Encoding.UTF8.GetBytes(i.Name)).ToArray();
        var buffer = new byte[Header + names.Sum(n => 1 + sizeof(long) + sizeof(ushort) + n.Length)];
        var span = buffer.AsSpan();
        span[0] = Version;
        sender.TryWriteBytes(span[1..17]);
        BinaryPrimitives.WriteInt64LittleEndian(span[17..], sentAt);
        BinaryPrimitives.WriteUInt16LittleEndian(span[25..], checked((ushort)items.Count));
        var offset = Header;
        for (var i = 0; i < items.Count; i++)
        {
            span[offset] = (byte)items[i].Kind;
            BinaryPrimitives.WriteInt64LittleEndian(span[(offset + 1)..], items[i].At);
            BinaryPrimitives.WriteUInt16LittleEndian(span[(offset + 9)..], checked((ushort)names[i].Length));
            names[i].CopyTo(span[(offset + 11)..]);
            offset += 11 + names[i].Length;
        }

        return buffer;
    }

    public static bool TryDecode(byte[] message, out Guid sender, out long sentAt, out List<Invalidation> items)
    {
        sender = Guid.Empty;
        sentAt = 0;
        items = [];
        var span = message.AsSpan();
        if (span.Length < Header || span[0] != Version)
        {
            return false;
        }

        sender = new Guid(span[1..17]);
        sentAt = BinaryPrimitives.ReadInt64LittleEndian(span[17..]);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(span[25..]);
        var offset = Header;
        for (var i = 0; i < count; i++)
        {
            if (span.Length < offset + 11)
            {
                return false;
            }

            var kind = (InvalidationKind)span[offset];
            var at = BinaryPrimitives.ReadInt64LittleEndian(span[(offset + 1)..]);
            var length = BinaryPrimitives.ReadUInt16LittleEndian(span[(offset + 9)..]);
            if (span.Length < offset + 11 + length || !Enum.IsDefined(kind))
            {
                return false;
            }

            items.Add(new Invalidation(kind, Encoding.UTF8.GetString(span.Slice(offset + 11, length)), at));
            offset += 11 + length;
        }

        return true;
    }
}

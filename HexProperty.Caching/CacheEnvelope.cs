using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace HexProperty.Caching;

/// <summary>
/// How an entry is stored in Redis: a small binary header (format version, flags, the entry's times, its tags) and
/// the payload, Brotli-compressed when large. A newer format version reads as a miss, never as garbage.
/// </summary>
internal static class CacheEnvelope
{
    public const byte Version = 1;
    private const byte Compressed = 1;
    private const int FixedHeader = 2 + 4 * sizeof(long) + sizeof(int) + sizeof(ushort);

    /// <param name="compressAbove">Compress a payload of at least this many bytes; 0 never compresses.</param>
    public static byte[] Write(CacheEntry entry, int compressAbove)
    {
        var payload = entry.Payload.Span;
        byte[]? compressed = null;
        var compressedLength = 0;
        if (compressAbove > 0 && payload.Length >= compressAbove)
        {
            compressed = new byte[BrotliEncoder.GetMaxCompressedLength(payload.Length)];
            // Quality 1: cache writes sit on the request path; most of the gain at a fraction of the cost.
            if (!BrotliEncoder.TryCompress(payload, compressed, out compressedLength, quality: 1, window: 22) || compressedLength >= payload.Length)
            {
                compressed = null;
            }
        }

        var tagBytes = entry.Tags.Sum(t => sizeof(ushort) + Encoding.UTF8.GetByteCount(t));
        var body = compressed is null ? payload : compressed.AsSpan(0, compressedLength);
        var buffer = new byte[FixedHeader + tagBytes + body.Length];
        var span = buffer.AsSpan();
        span[0] = Version;
        span[1] = compressed is null ? (byte)0 : Compressed;
        BinaryPrimitives.WriteInt64LittleEndian(span[2..], entry.CreatedAt);
        BinaryPrimitives.WriteInt64LittleEndian(span[10..], entry.ExpiresAt);
        BinaryPrimitives.WriteInt64LittleEndian(span[18..], entry.StaleUntil);
        BinaryPrimitives.WriteInt64LittleEndian(span[26..], entry.RefreshAt);
        BinaryPrimitives.WriteInt32LittleEndian(span[34..], payload.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[38..], checked((ushort)entry.Tags.Length));
        var offset = FixedHeader;
        foreach (var tag in entry.Tags)
        {
            var length = Encoding.UTF8.GetBytes(tag, span[(offset + sizeof(ushort))..]);
            BinaryPrimitives.WriteUInt16LittleEndian(span[offset..], checked((ushort)length));
            offset += sizeof(ushort) + length;
        }

        body.CopyTo(span[offset..]);
        return buffer;
    }

    /// <summary>The entry, or null when the bytes are not an envelope this version understands.</summary>
    public static CacheEntry? Read(byte[] buffer)
    {
        try
        {
            return ReadUnchecked(buffer);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null; // truncated: whatever wrote it, it is not ours to serve
        }
    }

    private static CacheEntry? ReadUnchecked(byte[] buffer)
    {
        var span = buffer.AsSpan();
        if (span.Length < FixedHeader || span[0] != Version)
        {
            return null;
        }

        var payloadLength = BinaryPrimitives.ReadInt32LittleEndian(span[34..]);
        var tagCount = BinaryPrimitives.ReadUInt16LittleEndian(span[38..]);
        var tags = new string[tagCount];
        var offset = FixedHeader;
        for (var i = 0; i < tagCount; i++)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]);
            tags[i] = Encoding.UTF8.GetString(span.Slice(offset + sizeof(ushort), length));
            offset += sizeof(ushort) + length;
        }

        ReadOnlyMemory<byte> payload;
        if ((span[1] & Compressed) != 0)
        {
            var decompressed = new byte[payloadLength];
            if (!BrotliDecoder.TryDecompress(span[offset..], decompressed, out var written) || written != payloadLength)
            {
                return null;
            }

            payload = decompressed;
        }
        else
        {
            payload = buffer.AsMemory(offset);
        }

        return new CacheEntry
        {
            Payload = payload,
            CreatedAt = BinaryPrimitives.ReadInt64LittleEndian(span[2..]),
            ExpiresAt = BinaryPrimitives.ReadInt64LittleEndian(span[10..]),
            StaleUntil = BinaryPrimitives.ReadInt64LittleEndian(span[18..]),
            RefreshAt = BinaryPrimitives.ReadInt64LittleEndian(span[26..]),
            Tags = tags,
        };
    }
}

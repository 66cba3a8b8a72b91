using System.Text;

namespace HexProperty.Caching.Tests;

/// <summary>The bytes that travel: the Redis envelope and the backplane message.</summary>
public sealed class EnvelopeTests
{
    private static CacheEntry Entry(byte[] payload, params string[] tags) => new()
    {
        Payload = payload,
        CreatedAt = 1_000,
        ExpiresAt = 2_000,
        StaleUntil = 3_000,
        RefreshAt = 1_500,
        Tags = tags,
    };

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public void An_envelope_round_trips_times_tags_and_payload_compressed_or_not(int compressAbove)
    {
        var payload = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("availability ", 100)));

        var read = CacheEnvelope.Read(CacheEnvelope.Write(Entry(payload, "property:1", "agency:é"), compressAbove))!;

        Assert.Equal(payload, read.Payload.ToArray());
        Assert.Equal(["property:1", "agency:é"], read.Tags);
        Assert.Equal((1_000, 2_000, 3_000, 1_500), (read.CreatedAt, read.ExpiresAt, read.StaleUntil, read.RefreshAt));
    }

    [Fact]
    public void Incompressible_payloads_are_stored_as_they_are()
    {
        var random = new byte[4096];
        new Random(7).NextBytes(random);

        var envelope = CacheEnvelope.Write(Entry(random), compressAbove: 16);

        Assert.Equal(0, envelope[1]);
        Assert.Equal(random, CacheEnvelope.Read(envelope)!.Payload.ToArray());
    }

    [Fact]
    public void Truncated_or_foreign_bytes_read_as_a_miss()
    {
        var envelope = CacheEnvelope.Write(Entry([1, 2, 3], "tag"), compressAbove: 0);
        var newer = (byte[])envelope.Clone();
        newer[0] = CacheEnvelope.Version + 1;

        Assert.Null(CacheEnvelope.Read(envelope[..20]));
        Assert.Null(CacheEnvelope.Read(envelope[..43]));
        Assert.Null(CacheEnvelope.Read(newer));
        Assert.Null(CacheEnvelope.Read("plain text"u8.ToArray()));
    }

    [Fact]
    public void A_backplane_message_round_trips_and_a_corrupt_one_is_refused()
    {
        var sender = Guid.NewGuid();
        Invalidation[] items = [new(InvalidationKind.Tag, "city:lisboa", 10), new(InvalidationKind.Key, "details:1\u00e9", 11), new(InvalidationKind.Set, "k", 12)];

        var message = CacheBackplane.Encode(sender, 99, items);

        Assert.True(CacheBackplane.TryDecode(message, out var from, out var sentAt, out var decoded));
        Assert.Equal((sender, 99L), (from, sentAt));
        Assert.Equal(items, decoded);
        Assert.False(CacheBackplane.TryDecode(message[..^1], out _, out _, out _));
        var unknownKind = (byte[])message.Clone();
        unknownKind[27] = (byte)'?';
        Assert.False(CacheBackplane.TryDecode(unknownKind, out _, out _, out _));
    }
}

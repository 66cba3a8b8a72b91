namespace HexProperty.Seed;

/// <summary>Identifiers drawn from the seeded random source, so the same seed gives the same ids.</summary>
public static class SeededIds
{
    public static Guid Next(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }

    private const string ReferenceAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    /// <summary>A booking reference in the Api's alphabet; the index keeps them unique.</summary>
    public static string Reference(int index)
    {
        Span<char> chars = stackalloc char[8];
        var value = (long)index * 7_919 + 104_729; // spreads consecutive bookings over the alphabet
        for (var i = 7; i >= 0; i--)
        {
            chars[i] = ReferenceAlphabet[(int)(value % ReferenceAlphabet.Length)];
            value /= ReferenceAlphabet.Length;
        }

        return new string(chars);
    }
}

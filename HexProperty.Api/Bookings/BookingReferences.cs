using System.Security.Cryptography;

namespace HexProperty.Api.Bookings;

/// <summary>References guests read out and type: 8 characters without look-alikes (no 0/O, 1/I/L), 40 random bits.</summary>
public class BookingReferences
{
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    public virtual string New() => RandomNumberGenerator.GetString(Alphabet, 8);

    public static bool IsWellFormed(string? reference) => reference is { Length: 8 } && reference.All(Alphabet.Contains);
}

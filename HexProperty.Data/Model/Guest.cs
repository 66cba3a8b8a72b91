namespace HexProperty.Data.Model;

/// <summary>Someone who books; known by email, without an account.</summary>
public sealed class Guest
{
    public Guid Id { get; set; }

    /// <summary>Stored lower-case; one guest per email across the platform.</summary>
    public required string Email { get; set; }

    public required string FullName { get; set; }

    public string? Phone { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

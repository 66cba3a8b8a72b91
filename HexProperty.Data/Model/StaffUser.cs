namespace HexProperty.Data.Model;

/// <summary>A member of an agency's staff; signs in with email and password and sees only the agency's data.</summary>
public sealed class StaffUser : IAgencyOwned
{
    public Guid Id { get; set; }

    public Guid AgencyId { get; set; }

    /// <summary>Stored lower-case; unique across the platform.</summary>
    public required string Email { get; set; }

    public required string DisplayName { get; set; }

    public StaffRole Role { get; set; }

    /// <summary>From the framework's PasswordHasher (PBKDF2 with salt); never the password.</summary>
    public required string PasswordHash { get; set; }

    public bool Active { get; set; } = true;

    /// <summary>A platform operator: sees the operations page and the dead letters, whatever the agency role.</summary>
    public bool Operator { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>What a staff member may do: owners also manage staff, managers also manage the catalogue, agents handle bookings.</summary>
public enum StaffRole
{
    Agent,
    Manager,
    Owner,
}

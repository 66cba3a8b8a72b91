namespace HexProperty.Data.Model;

/// <summary>The platform's customer: a property management agency with its staff, properties and bookings.</summary>
public sealed class Agency
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

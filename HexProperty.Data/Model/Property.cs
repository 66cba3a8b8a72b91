namespace HexProperty.Data.Model;

/// <summary>A place an agency lets, with one or more bookable units.</summary>
public sealed class Property : IAgencyOwned
{
    public Guid Id { get; set; }

    public Guid AgencyId { get; set; }

    public required string Name { get; set; }

    public string Description { get; set; } = "";

    public PropertyType Type { get; set; }

    public required string AddressLine { get; set; }

    public required string City { get; set; }

    /// <summary>ISO 3166-1 alpha-2, upper case.</summary>
    public required string Country { get; set; }

    public decimal Latitude { get; set; }

    public decimal Longitude { get; set; }

    /// <summary>Lower-case amenity codes ("wifi", "pool"); searchable with "has all of".</summary>
    public List<string> Amenities { get; set; } = [];

    /// <summary>
    /// The property's ready photos, in order, by the SHA-256 naming their images (kept by the Api and the Worker from
    /// the <see cref="Photo"/> rows; see HexProperty.Data.Photos.PhotoImages).
    /// </summary>
    public List<string> Photos { get; set; } = [];

    public PropertyStatus Status { get; set; } = PropertyStatus.Active;

    public CancellationPolicy CancellationPolicy { get; set; } = CancellationPolicy.Moderate;

    /// <summary>ISO 4217 code of every price, payment and refund of the property.</summary>
    public required string Currency { get; set; }

    /// <summary>IANA time zone; "today" and cancellation deadlines are counted in it.</summary>
    public string TimeZone { get; set; } = "UTC";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<Unit> Units { get; set; } = [];
}

public enum PropertyType
{
    Apartment,
    House,
    Villa,
    Cabin,
    Studio,
    Room,
}

public enum PropertyStatus
{
    Active,
    Inactive,
}

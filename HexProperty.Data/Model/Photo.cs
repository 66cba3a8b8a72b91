namespace HexProperty.Data.Model;

/// <summary>
/// A photo of a property, as staff uploaded it: the original until the Worker has made its images (see
/// <see cref="Photos"/>), then only the SHA-256 naming them. <see cref="Property.Photos"/> lists the property's ready
/// ones, in <see cref="Position"/> order. Table photos.
/// </summary>
public sealed class Photo : IAgencyOwned
{
    public Guid Id { get; set; }

    public Guid AgencyId { get; set; }

    public Guid PropertyId { get; set; }

    public int Position { get; set; }

    public PhotoStatus Status { get; set; }

    /// <summary>The uploaded file, kept until its images are made.</summary>
    public byte[]? Original { get; set; }

    public int OriginalBytes { get; set; }

    /// <summary>Lower-case hex SHA-256 of the original: the name of its images.</summary>
    public required string Sha256 { get; set; }

    /// <summary>Why the Worker could not make the images (not a picture it can read, for one).</summary>
    public string? Error { get; set; }

    /// <summary>When a Worker took it on (a lease: see PhotoWorker).</summary>
    public DateTimeOffset? ClaimedAt { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public enum PhotoStatus
{
    Processing,
    Ready,
    Failed,
}

using HexProperty.Data.Model;

namespace HexProperty.Api.Contracts;

/// <summary>A photo as staff see it: where it is in the order, whether its images are ready, and their addresses.</summary>
public sealed record PhotoView(Guid Id, Guid PropertyId, int Position, PhotoStatus Status, string Sha256, int OriginalBytes, string? Error, DateTimeOffset CreatedAt)
{
    public static PhotoView From(Photo p) => new(p.Id, p.PropertyId, p.Position, p.Status, p.Sha256, p.OriginalBytes, p.Error, p.CreatedAt);
}

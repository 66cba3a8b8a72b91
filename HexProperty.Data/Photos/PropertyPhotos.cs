using Npgsql;

namespace HexProperty.Data.Photos;

/// <summary>
/// Where photos are kept: their images by the original's hash, and <c>properties.photos</c> (what search and the
/// property page read) equal to the property's ready photos, in order. The Worker and the seed write images; the
/// Worker refreshes a property's list when a photo's images are made, the Api when a photo is removed.
/// </summary>
public static class PropertyPhotos
{
    /// <summary>The statement, with the parameter <c>@property</c>; it returns the property's city and country, for its cache tags.</summary>
    public const string RefreshSql = """
        update properties set photos = array(
            select sha256 from photos where property_id = @property and status = 'Ready' order by position, id)
        where id = @property
        returning city as "City", country as "Country"
        """;

    public static async Task<PropertyPlace?> RefreshAsync(NpgsqlConnection connection, Guid propertyId, CancellationToken cancellationToken)
    {
        await using var refresh = new NpgsqlCommand(RefreshSql, connection);
        refresh.Parameters.AddWithValue("property", propertyId);
        await using var reader = await refresh.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new PropertyPlace(reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>Writes an original's images (a concurrent Worker that made the same picture first wins; the result is the same).</summary>
    public static async Task StoreImagesAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sha256, int originalBytes, int width, int height, IReadOnlyList<PhotoVariant> images)
    {
        await using (var image = new NpgsqlCommand("""
            insert into images (sha256, original_bytes, original_width, original_height, created_at) values ($1, $2, $3, $4, now())
            on conflict (sha256) do nothing
            """, connection, transaction))
        {
            image.Parameters.AddWithValue(sha256);
            image.Parameters.AddWithValue(originalBytes);
            image.Parameters.AddWithValue(width);
            image.Parameters.AddWithValue(height);
            if (await image.ExecuteNonQueryAsync(CancellationToken.None) == 0)
            {
                return;
            }
        }

        foreach (var variant in images)
        {
            await using var insert = new NpgsqlCommand("insert into image_variants (sha256, width, height, bytes) values ($1, $2, $3, $4)", connection, transaction);
            insert.Parameters.AddWithValue(sha256);
            insert.Parameters.AddWithValue(variant.Width);
            insert.Parameters.AddWithValue(variant.Height);
            insert.Parameters.AddWithValue(variant.Bytes);
            await insert.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}

/// <summary>Where a property is: what its searches' cache tags are made of.</summary>
public sealed record PropertyPlace(string City, string Country);

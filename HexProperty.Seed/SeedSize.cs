namespace HexProperty.Seed;

/// <summary>How much data a size means. Bookings spread over the years before the anchor date and one year after it.</summary>
public sealed record SeedSize(string Name, int Agencies, int Properties, int Bookings, int YearsOfHistory)
{
    /// <summary>A few of everything: fast enough for tests (under a second).</summary>
    public static readonly SeedSize Small = new("small", 3, 30, 2_000, 1);

    /// <summary>A city-sized portfolio.</summary>
    public static readonly SeedSize Medium = new("medium", 20, 1_000, 100_000, 2);

    /// <summary>The benchmark set: 10k properties, 1M bookings over three years, 1M payments.</summary>
    public static readonly SeedSize Large = new("large", 100, 10_000, 1_000_000, 2);

    public static SeedSize Parse(string name) => name.ToLowerInvariant() switch
    {
        "small" => Small,
        "medium" => Medium,
        "large" => Large,
        _ => throw new ArgumentException($"Unknown size '{name}': use small, medium or large.", nameof(name)),
    };
}

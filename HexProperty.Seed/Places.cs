namespace HexProperty.Seed;

/// <summary>Where seeded properties are: real cities, with their country, currency, time zone and centre.</summary>
public sealed record Place(string City, string Country, string Currency, string TimeZone, decimal Latitude, decimal Longitude, decimal PriceLevel, int Weight)
{
    public static readonly IReadOnlyList<Place> All =
    [
        new("Lisbon", "PT", "EUR", "Europe/Lisbon", 38.7223m, -9.1393m, 1.0m, 10),
        new("Porto", "PT", "EUR", "Europe/Lisbon", 41.1579m, -8.6291m, 0.9m, 6),
        new("Faro", "PT", "EUR", "Europe/Lisbon", 37.0194m, -7.9304m, 1.0m, 3),
        new("Barcelona", "ES", "EUR", "Europe/Madrid", 41.3874m, 2.1686m, 1.2m, 9),
        new("Madrid", "ES", "EUR", "Europe/Madrid", 40.4168m, -3.7038m, 1.1m, 7),
        new("Seville", "ES", "EUR", "Europe/Madrid", 37.3891m, -5.9845m, 0.9m, 4),
        new("Paris", "FR", "EUR", "Europe/Paris", 48.8566m, 2.3522m, 1.6m, 10),
        new("Nice", "FR", "EUR", "Europe/Paris", 43.7102m, 7.2620m, 1.4m, 4),
        new("Rome", "IT", "EUR", "Europe/Rome", 41.9028m, 12.4964m, 1.3m, 8),
        new("Florence", "IT", "EUR", "Europe/Rome", 43.7696m, 11.2558m, 1.3m, 5),
        new("Berlin", "DE", "EUR", "Europe/Berlin", 52.5200m, 13.4050m, 1.1m, 7),
        new("Amsterdam", "NL", "EUR", "Europe/Amsterdam", 52.3676m, 4.9041m, 1.6m, 7),
        new("London", "GB", "GBP", "Europe/London", 51.5072m, -0.1276m, 1.5m, 9),
        new("Edinburgh", "GB", "GBP", "Europe/London", 55.9533m, -3.1883m, 1.2m, 4),
        new("Dublin", "IE", "EUR", "Europe/Dublin", 53.3498m, -6.2603m, 1.4m, 4),
        new("Vienna", "AT", "EUR", "Europe/Vienna", 48.2082m, 16.3738m, 1.1m, 4),
        new("Prague", "CZ", "CZK", "Europe/Prague", 50.0755m, 14.4378m, 20m, 5),
        new("Copenhagen", "DK", "DKK", "Europe/Copenhagen", 55.6761m, 12.5683m, 9m, 3),
        new("Zurich", "CH", "CHF", "Europe/Zurich", 47.3769m, 8.5417m, 1.6m, 3),
        new("New York", "US", "USD", "America/New_York", 40.7128m, -74.0060m, 1.8m, 6),
    ];
}

namespace HexProperty.Web.Components.Shared;

/// <summary>The words a guest reads about what a stay includes and what cancelling costs (the Api's RefundPolicy).</summary>
public static class StayTerms
{
    public static string Cancellation(string policy) => policy switch
    {
        "Flexible" => "Free cancellation until the day before check-in",
        "Moderate" => "Free cancellation until 5 days before check-in",
        "Strict" => "Half refunded until 7 days before check-in",
        _ => "Cancellation: " + policy,
    };

    /// <summary>Amenity codes as words: "free-parking" is "Free parking".</summary>
    public static string Amenity(string code) => code.Length == 0 ? code : char.ToUpperInvariant(code[0]) + code[1..].Replace('-', ' ');
}

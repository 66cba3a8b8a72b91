namespace HexProperty.Data.Model;

/// <summary>How generous a property is with cancellations; the rules are in <see cref="Pricing.RefundPolicy"/>.</summary>
public enum CancellationPolicy
{
    Flexible,
    Moderate,
    Strict,
}

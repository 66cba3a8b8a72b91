using System.Security.Cryptography;
using HexProperty.Api.Contracts;

namespace HexProperty.Api.Bookings;

/// <summary>Charges a card. The platform talks to a payment provider through this; no card number is stored.</summary>
public interface IPaymentGateway
{
    Task<ChargeResult> ChargeAsync(decimal amount, string currency, CardDetails card, string idempotencyKey, CancellationToken cancellationToken);
}

public sealed record ChargeResult(bool Approved, string? ProviderReference, string? DeclineReason);

/// <summary>
/// The local stand-in for a payment provider (none is reachable here), with the usual test cards: any valid number
/// is approved, except 4000 0000 0000 0002 (declined) and 4000 0000 0000 9995 (insufficient funds).
/// </summary>
public sealed class LocalPaymentGateway : IPaymentGateway
{
    public const string DeclinedCard = "4000000000000002";
    public const string InsufficientFundsCard = "4000000000009995";

    public Task<ChargeResult> ChargeAsync(decimal amount, string currency, CardDetails card, string idempotencyKey, CancellationToken cancellationToken) =>
        Task.FromResult(card.Number switch
        {
            DeclinedCard => new ChargeResult(false, null, "The card was declined."),
            InsufficientFundsCard => new ChargeResult(false, null, "The card has insufficient funds."),
            _ => new ChargeResult(true, "ch_" + RandomNumberGenerator.GetHexString(24, lowercase: true), null),
        });
}

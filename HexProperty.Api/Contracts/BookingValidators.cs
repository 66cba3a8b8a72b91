using FluentValidation;
using HexProperty.Data.Pricing;

namespace HexProperty.Api.Contracts;

/// <summary>Limits shared by every request that names a stay or a person.</summary>
public static class Limits
{
    public const int MaxGuests = 50;
    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 254;
    public const int MaxPhoneLength = 32;

    /// <summary>No stay starts more than two years ahead: rates are not set that far, and it bounds what a request can ask.</summary>
    public const int MaxDaysAhead = 730;

    public const decimal MaxAmount = 1_000_000m;
}

public sealed class GuestDetailsValidator : AbstractValidator<GuestDetails>
{
    public GuestDetailsValidator()
    {
        RuleFor(g => g.FullName).NotEmpty().MaximumLength(Limits.MaxNameLength);
        RuleFor(g => g.Email).NotEmpty().MaximumLength(Limits.MaxEmailLength).EmailAddress();
        RuleFor(g => g.Phone).MaximumLength(Limits.MaxPhoneLength).Matches("^[+0-9 ()-]*$").WithMessage("may contain only digits, spaces, +, - and parentheses");
    }
}

public sealed class HoldRequestValidator : AbstractValidator<HoldRequest>
{
    public HoldRequestValidator()
    {
        RuleFor(r => r.UnitId).NotEmpty();
        RuleFor(r => r.CheckIn).NotEmpty();
        RuleFor(r => r.CheckOut).GreaterThan(r => r.CheckIn).WithMessage("must be after checkIn");
        RuleFor(r => r.Guests).InclusiveBetween(1, Limits.MaxGuests);
        RuleFor(r => r.Guest).NotNull().SetValidator(new GuestDetailsValidator());
        RuleFor(r => r.ExpectedTotal).InclusiveBetween(0m, Limits.MaxAmount);
    }
}

public sealed class CardPaymentRequestValidator : AbstractValidator<CardPaymentRequest>
{
    public CardPaymentRequestValidator(TimeProvider time)
    {
        RuleFor(r => r.Email).NotEmpty().MaximumLength(Limits.MaxEmailLength).EmailAddress();
        RuleFor(r => r.Amount).GreaterThan(0m).LessThan(Limits.MaxAmount);
        RuleFor(r => r.Currency).NotEmpty().Must(c => Money.Currencies.Contains(c)).WithMessage("must be a supported ISO 4217 code (EUR, USD, GBP...)");
        RuleFor(r => r.Card).NotNull().SetValidator(new CardDetailsValidator(time));
    }
}

public sealed class CardDetailsValidator : AbstractValidator<CardDetails>
{
    public CardDetailsValidator(TimeProvider time)
    {
        RuleFor(c => c.Number).NotEmpty().Matches("^[0-9]{12,19}$").WithMessage("must be 12 to 19 digits")
            .Must(Luhn.IsValid).WithMessage("is not a valid card number");
        RuleFor(c => c.ExpiryMonth).InclusiveBetween(1, 12);
        RuleFor(c => c.ExpiryYear).InclusiveBetween(2000, 2100);
        RuleFor(c => c).Must(c => new DateOnly(c.ExpiryYear, 1, 1).AddMonths(c.ExpiryMonth) > DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime))
            .When(c => c.ExpiryMonth is >= 1 and <= 12 && c.ExpiryYear is >= 2000 and <= 2100)
            .OverridePropertyName("expiryYear").WithMessage("the card has expired");
        RuleFor(c => c.Cvc).NotEmpty().Matches("^[0-9]{3,4}$").WithMessage("must be 3 or 4 digits");
        RuleFor(c => c.HolderName).NotEmpty().MaximumLength(Limits.MaxNameLength);
    }
}

public sealed class CancelRequestValidator : AbstractValidator<CancelRequest>
{
    public CancelRequestValidator() => RuleFor(r => r.Email).NotEmpty().MaximumLength(Limits.MaxEmailLength).EmailAddress();
}

public sealed class RecordedPaymentRequestValidator : AbstractValidator<RecordedPaymentRequest>
{
    public RecordedPaymentRequestValidator()
    {
        RuleFor(r => r.Amount).GreaterThan(0m).LessThan(Limits.MaxAmount);
        RuleFor(r => r.Currency).NotEmpty().Must(c => Money.Currencies.Contains(c)).WithMessage("must be a supported ISO 4217 code (EUR, USD, GBP...)");
        RuleFor(r => r.Method).IsInEnum();
    }
}

/// <summary>The Luhn checksum every card number carries.</summary>
public static class Luhn
{
    public static bool IsValid(string? digits)
    {
        if (string.IsNullOrEmpty(digits) || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }
}

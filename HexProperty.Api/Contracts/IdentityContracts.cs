using FluentValidation;
using HexProperty.Data.Model;

namespace HexProperty.Api.Contracts;

/// <summary>An agency joins the platform: its name and its owner's account.</summary>
public sealed record AgencySignUp(string AgencyName, string OwnerName, string Email, string Password);

public sealed record AgencyView(Guid Id, string Name, DateTimeOffset CreatedAt);

public sealed record SignInRequest(string Email, string Password);

public sealed record RefreshRequest(string RefreshToken);

public sealed record StaffUserView(Guid Id, string Email, string DisplayName, StaffRole Role, bool Active, DateTimeOffset CreatedAt)
{
    public static StaffUserView From(StaffUser user) => new(user.Id, user.Email, user.DisplayName, user.Role, user.Active, user.CreatedAt);
}

public sealed record NewStaffUser(string Email, string DisplayName, StaffRole Role, string Password);

public sealed record StaffUserUpdate(string DisplayName, StaffRole Role, bool Active);

/// <summary>Passwords: 10 to 128 characters with a letter and a digit; the framework's PasswordHasher stores them.</summary>
public static class PasswordRules
{
    public static IRuleBuilderOptions<T, string> StaffPassword<T>(this IRuleBuilder<T, string> rule) => rule
        .NotEmpty().Length(10, 128)
        .Must(p => p.Any(char.IsLetter) && p.Any(char.IsDigit)).WithMessage("must contain a letter and a digit");
}

public sealed class AgencySignUpValidator : AbstractValidator<AgencySignUp>
{
    public AgencySignUpValidator()
    {
        RuleFor(r => r.AgencyName).NotEmpty().MaximumLength(Limits.MaxNameLength);
        RuleFor(r => r.OwnerName).NotEmpty().MaximumLength(Limits.MaxNameLength);
        RuleFor(r => r.Email).NotEmpty().MaximumLength(Limits.MaxEmailLength).EmailAddress();
        RuleFor(r => r.Password).StaffPassword();
    }
}

public sealed class SignInRequestValidator : AbstractValidator<SignInRequest>
{
    public SignInRequestValidator()
    {
        RuleFor(r => r.Email).NotEmpty().MaximumLength(Limits.MaxEmailLength);
        RuleFor(r => r.Password).NotEmpty().MaximumLength(128);
    }
}

public sealed class NewStaffUserValidator : AbstractValidator<NewStaffUser>
{
    public NewStaffUserValidator()
    {
        RuleFor(r => r.Email).NotEmpty().MaximumLength(Limits.MaxEmailLength).EmailAddress();
        RuleFor(r => r.DisplayName).NotEmpty().MaximumLength(Limits.MaxNameLength);
        RuleFor(r => r.Role).IsInEnum();
        RuleFor(r => r.Password).StaffPassword();
    }
}

public sealed class StaffUserUpdateValidator : AbstractValidator<StaffUserUpdate>
{
    public StaffUserUpdateValidator()
    {
        RuleFor(r => r.DisplayName).NotEmpty().MaximumLength(Limits.MaxNameLength);
        RuleFor(r => r.Role).IsInEnum();
    }
}

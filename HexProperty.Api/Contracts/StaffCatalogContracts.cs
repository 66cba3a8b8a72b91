using FluentValidation;
using HexProperty.Api.Bookings;
using HexProperty.Api.Catalog;
using HexProperty.Data.Model;
using HexProperty.Data.Pricing;

namespace HexProperty.Api.Contracts;

public sealed record PropertyRequest(
    string Name, string? Description, PropertyType Type, string AddressLine, string City, string Country, decimal Latitude, decimal Longitude,
    IReadOnlyList<string>? Amenities, CancellationPolicy CancellationPolicy, string Currency, string? TimeZone);

public sealed record PropertyView(
    Guid Id, string Name, string Description, PropertyType Type, string AddressLine, string City, string Country, decimal Latitude, decimal Longitude,
    IReadOnlyList<string> Amenities, IReadOnlyList<string> Photos, PropertyStatus Status, CancellationPolicy CancellationPolicy, string Currency,
    string TimeZone, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static PropertyView From(Property p) => new(
        p.Id, p.Name, p.Description, p.Type, p.AddressLine, p.City, p.Country, p.Latitude, p.Longitude, p.Amenities, p.Photos, p.Status,
        p.CancellationPolicy, p.Currency, p.TimeZone, p.CreatedAt, p.UpdatedAt);
}

public sealed record UnitRequest(string Name, int Capacity, int Bedrooms, decimal BaseNightlyRate, decimal CleaningFee, int MinNights, int MaxNights);

public sealed record UnitView(
    Guid Id, Guid PropertyId, string Name, int Capacity, int Bedrooms, decimal BaseNightlyRate, decimal CleaningFee, int MinNights, int MaxNights, bool Active)
{
    public static UnitView From(Unit u) => new(u.Id, u.PropertyId, u.Name, u.Capacity, u.Bedrooms, u.BaseNightlyRate, u.CleaningFee, u.MinNights, u.MaxNights, u.Active);
}

public sealed record RateRuleRequest(
    RateRuleKind Kind, string Name, DateOnly? StartDate, DateOnly? EndDate, decimal? NightlyPrice, decimal? Percent, int? MinNights,
    decimal? AmountPerGuestNight, int? Priority);

public sealed record RateRuleView(
    Guid Id, Guid UnitId, RateRuleKind Kind, string Name, DateOnly? StartDate, DateOnly? EndDate, decimal? NightlyPrice, decimal? Percent,
    int? MinNights, decimal? AmountPerGuestNight, int Priority, bool Active)
{
    public static RateRuleView From(RateRule r) =>
        new(r.Id, r.UnitId, r.Kind, r.Name, r.StartDate, r.EndDate, r.NightlyPrice, r.Percent, r.MinNights, r.AmountPerGuestNight, r.Priority, r.Active);
}

public sealed record BlockRequest(BlockKind Kind, DateOnly Start, DateOnly End, string? Note);

public sealed record BlockView(Guid Id, Guid UnitId, BlockKind Kind, DateOnly Start, DateOnly End, string Note, bool Active)
{
    public static BlockView From(Block b) => new(b.Id, b.UnitId, b.Kind, b.Start, b.End, b.Note, b.Active);
}

public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

public sealed class PropertyRequestValidator : AbstractValidator<PropertyRequest>
{
    public PropertyRequestValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(Limits.MaxNameLength);
        RuleFor(r => r.Description).MaximumLength(4000);
        RuleFor(r => r.Type).IsInEnum();
        RuleFor(r => r.AddressLine).NotEmpty().MaximumLength(300);
        RuleFor(r => r.City).NotEmpty().MaximumLength(100);
        RuleFor(r => r.Country).Must(CatalogRules.IsCountryCode).WithMessage("must be an ISO 3166 alpha-2 code such as PT");
        RuleFor(r => r.Latitude).InclusiveBetween(-90m, 90m);
        RuleFor(r => r.Longitude).InclusiveBetween(-180m, 180m);
        RuleFor(r => r.Amenities).Must(a => a!.Count <= 50).When(r => r.Amenities is not null).WithMessage("may list at most 50 amenities");
        RuleForEach(r => r.Amenities).Must(CatalogRules.IsAmenityCode).WithMessage("must be lower-case letters, digits and '-', up to 40 characters");
        RuleFor(r => r.CancellationPolicy).IsInEnum();
        RuleFor(r => r.Currency).NotEmpty().Must(c => Money.Currencies.Contains(c)).WithMessage("must be a supported ISO 4217 code (EUR, USD, GBP...)");
        RuleFor(r => r.TimeZone).Must(PropertyClock.IsKnownTimeZone).When(r => r.TimeZone is not null).WithMessage("must be an IANA time zone such as Europe/Lisbon");
    }
}

public sealed class UnitRequestValidator : AbstractValidator<UnitRequest>
{
    public UnitRequestValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(100);
        RuleFor(r => r.Capacity).InclusiveBetween(1, Limits.MaxGuests);
        RuleFor(r => r.Bedrooms).InclusiveBetween(0, 50);
        RuleFor(r => r.BaseNightlyRate).GreaterThan(0m).LessThanOrEqualTo(100_000m).PrecisionScale(12, 2, ignoreTrailingZeros: true);
        RuleFor(r => r.CleaningFee).InclusiveBetween(0m, 10_000m).PrecisionScale(12, 2, ignoreTrailingZeros: true);
        RuleFor(r => r.MinNights).InclusiveBetween(1, 365);
        RuleFor(r => r.MaxNights).InclusiveBetween(1, 365).GreaterThanOrEqualTo(r => r.MinNights).WithMessage("must be between minNights and 365");
    }
}

public sealed class RateRuleRequestValidator : AbstractValidator<RateRuleRequest>
{
    public RateRuleRequestValidator()
    {
        RuleFor(r => r.Kind).IsInEnum();
        RuleFor(r => r.Name).NotEmpty().MaximumLength(100);
        RuleFor(r => r.Priority).InclusiveBetween(-1000, 1000).When(r => r.Priority is not null);
        RuleFor(r => r.NightlyPrice).GreaterThan(0m).LessThanOrEqualTo(100_000m).When(r => r.NightlyPrice is not null);
        RuleFor(r => r.AmountPerGuestNight).InclusiveBetween(0m, 1_000m).When(r => r.AmountPerGuestNight is not null);
        When(r => r.Kind == RateRuleKind.Season, () =>
        {
            RuleFor(r => r.StartDate).NotNull();
            RuleFor(r => r.EndDate).NotNull().GreaterThan(r => r.StartDate).WithMessage("must be after startDate");
            RuleFor(r => r.EndDate).Must((r, end) => end!.Value.DayNumber - r.StartDate!.Value.DayNumber <= 366)
                .When(r => r.StartDate is not null && r.EndDate > r.StartDate).WithMessage("a season lasts at most 366 days");
            RuleFor(r => r.NightlyPrice).NotNull().When(r => r.Percent is null).WithMessage("a season sets either nightlyPrice or percent");
            RuleFor(r => r.Percent).Null().When(r => r.NightlyPrice is not null).WithMessage("a season sets either nightlyPrice or percent, not both");
            RuleFor(r => r.Percent).InclusiveBetween(-90m, 500m).When(r => r.Percent is not null);
        });
        When(r => r.Kind == RateRuleKind.WeekendUplift, () => RuleFor(r => r.Percent).NotNull().InclusiveBetween(0m, 200m));
        When(r => r.Kind == RateRuleKind.StayLengthDiscount, () =>
        {
            RuleFor(r => r.MinNights).NotNull().InclusiveBetween(2, 365);
            RuleFor(r => r.Percent).NotNull().InclusiveBetween(0m, 90m);
        });
        When(r => r.Kind == RateRuleKind.Tax, () =>
        {
            RuleFor(r => r.Percent).InclusiveBetween(0m, 50m).When(r => r.Percent is not null);
            RuleFor(r => r.Percent).NotNull().When(r => r.AmountPerGuestNight is null).WithMessage("a tax sets percent, amountPerGuestNight, or both");
        });
    }
}

public sealed class BlockRequestValidator : AbstractValidator<BlockRequest>
{
    public BlockRequestValidator()
    {
        RuleFor(r => r.Kind).IsInEnum();
        RuleFor(r => r.End).GreaterThan(r => r.Start).WithMessage("must be after start");
        RuleFor(r => r.End).Must((r, end) => end.DayNumber - r.Start.DayNumber <= 366).When(r => r.End > r.Start).WithMessage("a block lasts at most 366 days");
        RuleFor(r => r.Note).MaximumLength(500);
    }
}

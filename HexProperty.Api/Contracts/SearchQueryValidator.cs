using System.Globalization;
using FluentValidation;
using HexProperty.Api.Catalog;
using HexProperty.Api.Infrastructure;

namespace HexProperty.Api.Contracts;

public sealed class SearchQueryValidator : AbstractValidator<SearchQuery>
{
    public const int MaxAmenities = 20;

    public SearchQueryValidator(TimeProvider time)
    {
        RuleFor(q => q.City).NotEmpty().When(q => q.Country is null).WithMessage("city or country is required");
        RuleFor(q => q.City).MaximumLength(100);
        RuleFor(q => q.Country).Must(CatalogRules.IsCountryCode).When(q => q.Country is not null).WithMessage("must be an ISO 3166 alpha-2 code such as PT");
        RuleFor(q => q.CheckIn).NotNull().When(q => q.CheckOut is not null).WithMessage("is required with checkOut");
        RuleFor(q => q.CheckOut).NotNull().When(q => q.CheckIn is not null).WithMessage("is required with checkIn");
        RuleFor(q => q.CheckOut).GreaterThan(q => q.CheckIn).When(q => q.CheckIn is not null && q.CheckOut is not null).WithMessage("must be after checkIn");
        RuleFor(q => q.CheckOut).Must((q, checkOut) => checkOut!.Value.DayNumber - q.CheckIn!.Value.DayNumber <= 365)
            .When(q => q.CheckIn is not null && q.CheckOut > q.CheckIn).WithMessage("a stay lasts at most 365 nights");
        // The property's own time zone decides exactly; a day's grace covers every zone.
        RuleFor(q => q.CheckIn).GreaterThanOrEqualTo(_ => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(-1))
            .When(q => q.CheckIn is not null).WithMessage("is in the past");
        RuleFor(q => q.Guests).InclusiveBetween(1, Limits.MaxGuests).When(q => q.Guests is not null);
        RuleFor(q => q.MinPrice).InclusiveBetween(0m, Limits.MaxAmount).When(q => q.MinPrice is not null);
        RuleFor(q => q.MaxPrice).InclusiveBetween(0m, Limits.MaxAmount).When(q => q.MaxPrice is not null);
        RuleFor(q => q.MaxPrice).GreaterThanOrEqualTo(q => q.MinPrice).When(q => q.MinPrice is not null && q.MaxPrice is not null).WithMessage("must not be below minPrice");
        RuleFor(q => q.Amenities).Must(a => CatalogRules.SplitAmenities(a).Length <= MaxAmenities && CatalogRules.SplitAmenities(a).All(CatalogRules.IsAmenityCode))
            .When(q => q.Amenities is not null).WithMessage($"must be up to {MaxAmenities} comma-separated codes of lower-case letters, digits and '-'");
        RuleFor(q => q.Sort).Must(s => s is "price" or "name").When(q => q.Sort is not null).WithMessage("must be price or name");
        RuleFor(q => q.Limit).InclusiveBetween(1, PropertySearch.MaxLimit).When(q => q.Limit is not null);
        RuleFor(q => q.After).Must((q, after) => KeysetCursor.Decode(after!) is { } cursor
                && (q.Sort == "name" || decimal.TryParse(cursor.Key, NumberStyles.Number, CultureInfo.InvariantCulture, out _)))
            .When(q => q.After is not null).WithMessage("is not a cursor this search returned");
    }
}

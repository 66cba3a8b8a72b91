using System.Globalization;
using HexProperty.Api.Catalog;
using HexProperty.Api.Contracts;
using HexProperty.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HexProperty.Api.Apis;

/// <summary>Guests search properties by place, dates, guests, price and amenities.</summary>
public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/properties", SearchAsync)
            .Validate<SearchQuery>()
            .WithName("SearchProperties")
            .WithTags("Guests")
            .WithSummary("Searches active properties in a city or country; pages with the next cursor.");
        return app;
    }

    public static async Task<Ok<SearchPage>> SearchAsync([AsParameters] SearchQuery query, PropertySearch search, TimeProvider time, CancellationToken cancellationToken)
    {
        var byName = query.Sort == "name";
        var page = await search.SearchAsync(
            new PropertySearch.Criteria(
                query.City?.Trim(), query.Country, query.CheckIn, query.CheckOut, query.Guests ?? 1, query.MinPrice, query.MaxPrice,
                CatalogRules.SplitAmenities(query.Amenities), byName, query.Limit ?? PropertySearch.DefaultLimit,
                query.After is null ? null : KeysetCursor.Decode(query.After), time.GetUtcNow()),
            cancellationToken);
        return TypedResults.Ok(page);
    }
}

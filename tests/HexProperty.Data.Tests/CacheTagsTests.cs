using HexProperty.Data.Caching;

namespace HexProperty.Data.Tests;

public sealed class CacheTagsTests
{
    [Fact]
    public void A_stay_is_tagged_with_every_week_it_has_a_night_in_weeks_starting_on_monday()
    {
        // Saturday 2027-03-06 to Tuesday 2027-03-09: nights in the week of Monday 1 March and of Monday 8 March.
        var weeks = CacheTags.Nights("city:lisbon", new DateOnly(2027, 3, 6), new DateOnly(2027, 3, 9)).ToList();

        Assert.Equal(["nights:city:lisbon:2027-03-01", "nights:city:lisbon:2027-03-08"], weeks);
    }

    [Fact]
    public void A_checkout_on_monday_adds_no_week_for_that_monday()
    {
        Assert.Equal(["nights:country:PT:2027-03-01"], CacheTags.Nights("country:PT", new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 8)));
    }

    [Fact]
    public void Guests_and_properties_spelling_a_city_differently_meet_on_one_tag()
    {
        Assert.Equal(CacheTags.City(" Lisboa "), CacheTags.City("LISBOA"));
        Assert.Equal(CacheTags.Country("pt"), CacheTags.Country("PT"));
    }

    [Fact]
    public void Taking_nights_invalidates_the_calendar_and_the_dated_searches_of_the_city_and_the_country_for_those_weeks_only()
    {
        var property = Guid.NewGuid();

        var tags = CacheTags.OccupancyChanged(property, "Porto", "PT", new DateOnly(2027, 3, 2), new DateOnly(2027, 3, 4));

        Assert.Equal([CacheTags.Occupancy(property), "nights:city:porto:2027-03-01", "nights:country:PT:2027-03-01"], tags);
        Assert.DoesNotContain(CacheTags.City("Porto"), tags);
    }

    [Fact]
    public void Moving_a_property_invalidates_the_searches_of_both_places()
    {
        var property = Guid.NewGuid();

        var tags = CacheTags.PropertyChanged(property, ("Porto", "PT"), ("Vigo", "ES"));

        Assert.Equal([CacheTags.Property(property), "city:porto", "country:PT", "city:vigo", "country:ES"], tags);
    }
}

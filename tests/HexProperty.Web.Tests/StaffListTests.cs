using System.Net;
using Bunit;
using HexProperty.Web.Api;
using HexProperty.Web.Components.Pages.Staff;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace HexProperty.Web.Tests;

/// <summary>
/// The staff lists on QuickGrid: the sort, the filters and the Api's cursor live in the address; the grid shows the
/// Api's order as it came and marks the sorted column for screen readers.
/// </summary>
public sealed class StaffListTests : BunitContext
{
    private static readonly Guid Property = Guid.Parse("0190a000-0000-7000-8000-0000000000aa");
    private readonly StubApi _api = new();

    public StaffListTests()
    {
        Services.AddSingleton(_api.Client());
        SetRendererInfo(new RendererInfo("Static", false)); // the staff pages render on the server, without a circuit
        JSInterop.Mode = JSRuntimeMode.Loose; // bUnit still runs QuickGrid's after-render import, which a static page never does
    }

    private static StaffBookingRow Booking(string reference, int day, decimal total) => new(
        Guid.NewGuid(), reference, "Confirmed", Property, Guid.NewGuid(), new DateOnly(2027, 5, day), new DateOnly(2027, 5, day + 2), 2,
        total, "EUR", "Ada Guest", "ada@example.test", "Guest", new DateTimeOffset(2027, 4, 1, 9, 30, 0, TimeSpan.Zero));

    private IRenderedComponent<Bookings> Open(string address, StaffBookingRow[] rows, string? next)
    {
        _api.Answer = path => path.StartsWith("/api/staff/bookings", StringComparison.Ordinal)
            ? (HttpStatusCode.OK, Fixtures.Json(new Page<StaffBookingRow>(rows, next)))
            : path.StartsWith("/api/staff/properties", StringComparison.Ordinal)
                ? (HttpStatusCode.OK, Fixtures.Json(new Page<PropertyView>([], null)))
                : (HttpStatusCode.NotFound, "{}");
        Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        var cut = Render<Bookings>();
        cut.WaitForElement("#bookings table");
        return cut;
    }

    private static string Header(IRenderedComponent<Bookings> cut, string title) =>
        cut.FindAll("#bookings th").Single(th => th.TextContent.Contains(title, StringComparison.Ordinal)).GetAttribute("aria-sort") ?? "none";

    private static string SortLink(IRenderedComponent<Bookings> cut, string title) =>
        cut.FindAll("#bookings th a.sort").Single(a => a.TextContent.Contains(title, StringComparison.Ordinal)).GetAttribute("href")!;

    [Fact]
    public void By_default_the_list_is_the_latest_check_in_first_and_each_sortable_header_is_a_link_to_its_order()
    {
        // The Api's order is kept as it came, even where it is not the order of the totals.
        var cut = Open("/staff/bookings", [Booking("HX-B", 20, 300m), Booking("HX-A", 10, 500m), Booking("HX-C", 10, 100m)], next: null);

        Assert.Equal(["HX-B", "HX-A", "HX-C"], cut.FindAll("#bookings tbody tr").Select(tr => tr.QuerySelector("td")!.TextContent.Trim()));
        Assert.Contains("/api/staff/bookings?sort=-checkIn&limit=50", _api.Asked);
        Assert.Equal("descending", Header(cut, "Check-in"));
        Assert.Equal("none", Header(cut, "Total"));
        Assert.Equal("/staff/bookings?sort=checkIn", SortLink(cut, "Check-in")); // the other way
        Assert.Equal("/staff/bookings?sort=-total", SortLink(cut, "Total")); // largest first
        Assert.Equal("/staff/bookings?sort=-createdAt", SortLink(cut, "Booked"));
        Assert.Empty(cut.FindAll(".pager a"));
    }

    [Fact]
    public void Filters_sort_and_cursor_travel_in_the_address_and_a_new_sort_starts_again_from_the_first_page()
    {
        var cut = Open("/staff/bookings?status=Confirmed&sort=total&after=CURSOR1", [Booking("HX-C", 10, 100m), Booking("HX-B", 20, 300m)], next: "CURSOR2");

        Assert.Contains("/api/staff/bookings?status=Confirmed&sort=total&after=CURSOR1&limit=50", _api.Asked);
        Assert.Equal("ascending", Header(cut, "Total"));
        Assert.Equal("none", Header(cut, "Check-in"));
        Assert.Equal("/staff/bookings?status=Confirmed&sort=-total", SortLink(cut, "Total"));
        Assert.Equal("/staff/bookings?status=Confirmed", SortLink(cut, "Check-in")); // the default order, latest first
        var pager = cut.FindAll(".pager a").ToDictionary(a => a.TextContent, a => a.GetAttribute("href"));
        Assert.Equal("/staff/bookings?status=Confirmed&sort=total", pager["First page"]);
        Assert.Equal("/staff/bookings?status=Confirmed&sort=total&after=CURSOR2", pager["Next page"]);
        Assert.Equal("total", cut.Find("form.filters input[name=sort]").GetAttribute("value")); // filtering keeps the order
    }

    [Fact]
    public void A_sort_the_Api_refuses_is_reported_on_the_page_with_its_reason()
    {
        _api.Answer = path => path.StartsWith("/api/staff/bookings", StringComparison.Ordinal)
            ? (HttpStatusCode.BadRequest, Fixtures.Json(new { type = "https://tools.ietf.org/html/rfc9110#section-15.5.1", title = "One or more validation errors occurred.", status = 400, errors = new { sort = new[] { "must be one of checkIn, -checkIn" } } }))
            : (HttpStatusCode.OK, Fixtures.Json(new Page<PropertyView>([], null)));
        Services.GetRequiredService<NavigationManager>().NavigateTo("/staff/bookings?sort=guest");
        var cut = Render<Bookings>();

        cut.WaitForAssertion(() => Assert.Contains("must be one of checkIn", cut.Find("[role=alert]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("#bookings table"));
    }
}

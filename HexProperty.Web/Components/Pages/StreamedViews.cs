using HexProperty.Web.Components.Pages.Guests;
using HexProperty.Web.Components.Pages.Staff;
using Microsoft.AspNetCore.Components;

namespace HexProperty.Web.Components.Pages;

// The pages that wait on the Api, streamed when Blazor's script asks for them (see StreamWhenEnhanced).

[StreamRendering]
public sealed class StreamedSearchView : SearchView;

[StreamRendering]
public sealed class StreamedDashboardView : DashboardView;

[StreamRendering]
public sealed class StreamedOperationsView : OperationsView;

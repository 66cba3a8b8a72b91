using HexProperty.Web.Api;
using Microsoft.AspNetCore.Components.QuickGrid;

namespace HexProperty.Web.Components.Staff;

/// <summary>
/// A staff list's state, all of it in its address: the filters, the sort (the Api's <c>sort</c>: <c>key</c> ascending,
/// <c>-key</c> descending) and the Api's cursor for where the page starts. A link to it is the same list for anyone who
/// opens it, with or without script; changing the filters or the sort starts again from the first page.
/// </summary>
public sealed class ListAddress(string path, string defaultSort, IReadOnlyDictionary<string, string?> filters, string? sort, string? after)
{
    public string Sort => string.IsNullOrWhiteSpace(sort) ? defaultSort : sort;

    public string? After => after;

    /// <summary>What the Api is asked for: the filters, the sort and the cursor.</summary>
    public Dictionary<string, string?> ApiQuery(int limit) =>
        new(filters) { ["sort"] = Sort, ["after"] = after, ["limit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public bool SortedBy(string key) => Sort.TrimStart('-') == key;

    public SortDirection Direction => Sort.StartsWith('-') ? SortDirection.Descending : SortDirection.Ascending;

    /// <summary>
    /// The address sorted by <paramref name="key"/>: the other way if already sorted by it, otherwise its natural first
    /// way (newest, latest or largest first when <paramref name="descendingFirst"/>).
    /// </summary>
    public string SortedUrl(string key, bool descendingFirst) =>
        Url(SortedBy(key) ? (Direction == SortDirection.Descending ? key : "-" + key) : (descendingFirst ? "-" + key : key), null);

    public string PageUrl(string? cursor) => Url(Sort, cursor);

    private string Url(string sortValue, string? cursor) =>
        path + HexApiClient.Query(new Dictionary<string, string?>(filters) { ["sort"] = sortValue == defaultSort ? null : sortValue, ["after"] = cursor });

    /// <summary>
    /// The Api has sorted the page; QuickGrid is told which column that is (for aria-sort and the header's arrow). A
    /// column needs a GridSort to be sortable at all; this one is never applied, since the page comes through
    /// <see cref="AsProvided{T}"/> as it is.
    /// </summary>
    public static GridSort<T> AsSorted<T>() => GridSort<T>.ByAscending(_ => 0);

    /// <summary>
    /// The Api's page for QuickGrid as it came. Not as an IQueryable: QuickGrid would sort and count it through LINQ's
    /// EnumerableQuery, which compiles its expression tree into a new method on every render (with the columns'
    /// compiled property expressions, a fifth of the site's CPU on a staff list was the JIT). The lists' columns are
    /// TemplateColumns for the same reason.
    /// </summary>
    public static GridItemsProvider<T> AsProvided<T>(IReadOnlyList<T> items) =>
        _ => ValueTask.FromResult(GridItemsProviderResult.From(items as ICollection<T> ?? [.. items], items.Count));
}

using System.Globalization;
using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HexProperty.Api.Infrastructure;

/// <summary>
/// The orders a keyset-paged list offers, named as its <c>sort</c> parameter takes them: <c>checkIn</c> ascending,
/// <c>-checkIn</c> descending. Each order pages on its own key and the row id (the tie-breaker), and its cursors name the
/// order they belong to, so a cursor from another order (or a forged one) is refused as a 400, never misread.
/// </summary>
/// <typeparam name="TEntity">What the query reads.</typeparam>
/// <typeparam name="TRow">What a page holds, from which the next cursor is read.</typeparam>
public sealed class KeysetSorts<TEntity, TRow>(string defaultSort, Expression<Func<TEntity, Guid>> id, Func<TRow, Guid> rowId)
{
    private readonly Dictionary<string, Key> _keys = new(StringComparer.Ordinal);

    /// <summary>Every value <c>sort</c> accepts, for the error that names them.</summary>
    public IEnumerable<string> Names => _keys.Keys.SelectMany(name => new[] { name, "-" + name });

    public KeysetSorts<TEntity, TRow> Add<TKey>(string name, Expression<Func<TEntity, TKey>> key, Func<TRow, TKey> rowKey, KeyCodec<TKey> codec)
    {
        _keys.Add(name, new Key(
            (query, descending) => descending ? query.OrderByDescending(key).ThenByDescending(id) : query.OrderBy(key).ThenBy(id),
            (query, descending, value, after) => codec.TryParse(value, out var parsed) ? query.Where(After(key, descending, parsed, after)) : null,
            row => codec.Format(rowKey(row))));
        return this;
    }

    /// <summary>
    /// Orders <paramref name="query"/> by <paramref name="sort"/> (the default when null) and starts it after the
    /// cursor <paramref name="after"/>; on bad input, the problem naming the field.
    /// </summary>
    public ValidationProblem? TryApply(string? sort, string? after, ref IQueryable<TEntity> query, out Func<IReadOnlyList<TRow>, int, string?> next)
    {
        next = (_, _) => null;
        sort ??= defaultSort;
        var descending = sort.StartsWith('-');
        var name = descending ? sort[1..] : sort;
        if (!_keys.TryGetValue(name, out var key))
        {
            return Problems.Invalid("sort", "must be one of " + string.Join(", ", Names));
        }

        if (after is not null)
        {
            // The cursor's key is "<sort>:<value>": only this order's cursors are read as this order's.
            var cursor = KeysetCursor.Decode(after);
            var value = cursor?.Key.StartsWith(sort + ":", StringComparison.Ordinal) == true ? cursor.Key[(sort.Length + 1)..] : null;
            if (value is null || key.StartAfter(query, descending, value, cursor!.Id) is not { } started)
            {
                return Problems.Invalid("after", "is not a cursor this list returned for this sort");
            }

            query = started;
        }

        query = key.Order(query, descending);
        next = (rows, take) => rows.Count > take ? new KeysetCursor($"{sort}:{key.Format(rows[take - 1])}", rowId(rows[take - 1])).Encode() : null;
        return null;
    }

    // key > value, or key = value and id > after (reversed when descending), with the values as parameters of the
    // query (members of a closure, as EF Core parameterises them) so that every page shares one cached query plan.
    private Expression<Func<TEntity, bool>> After<TKey>(Expression<Func<TEntity, TKey>> key, bool descending, TKey value, Guid after)
    {
        var row = key.Parameters[0];
        var keyOf = key.Body;
        var idOf = new Replace(id.Parameters[0], row).Visit(id.Body);
        var closure = Expression.Constant(new Boundary<TKey>(value, after));
        var boundary = Expression.Property(closure, nameof(Boundary<TKey>.Value));
        var boundaryId = Expression.Property(closure, nameof(Boundary<TKey>.Id));
        var beyond = Compare(keyOf, boundary, descending);
        var tie = Expression.AndAlso(Expression.Equal(keyOf, boundary),
            Compare(Expression.Call(idOf, typeof(Guid).GetMethod(nameof(Guid.CompareTo), [typeof(Guid)])!, boundaryId), Expression.Constant(0), descending));
        return Expression.Lambda<Func<TEntity, bool>>(Expression.OrElse(beyond, tie), row);
    }

    private static Expression Compare(Expression left, Expression right, bool descending)
    {
        if (left.Type == typeof(string))
        {
            // string has no < operator: string.Compare, which EF Core translates to the column's own comparison.
            left = Expression.Call(typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!, left, right);
            right = Expression.Constant(0);
        }

        return descending ? Expression.LessThan(left, right) : Expression.GreaterThan(left, right);
    }

    private sealed record Key(
        Func<IQueryable<TEntity>, bool, IQueryable<TEntity>> Order,
        Func<IQueryable<TEntity>, bool, string, Guid, IQueryable<TEntity>?> StartAfter,
        Func<TRow, string> Format);

    private sealed record Boundary<TKey>(TKey Value, Guid Id);

    private sealed class Replace(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}

/// <summary>How a sort key is written into a cursor and read back.</summary>
public sealed class KeyCodec<TKey>(Func<TKey, string> format, KeyCodec<TKey>.Parser parse)
{
    public delegate bool Parser(string value, out TKey key);

    public string Format(TKey key) => format(key);

    public bool TryParse(string value, out TKey key) => parse(value, out key);
}

/// <summary>The codecs of the key types the staff lists sort on.</summary>
public static class KeyCodecs
{
    public static readonly KeyCodec<DateOnly> Date = new(
        d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        (string v, out DateOnly d) => DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out d));

    public static readonly KeyCodec<DateTimeOffset> Time = new(
        t => t.UtcTicks.ToString(CultureInfo.InvariantCulture),
        (string v, out DateTimeOffset t) =>
        {
            var ok = long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks;
            t = ok ? new DateTimeOffset(ticks, TimeSpan.Zero) : default;
            return ok;
        });

    public static readonly KeyCodec<decimal> Money = new(
        m => m.ToString(CultureInfo.InvariantCulture),
        (string v, out decimal m) => decimal.TryParse(v, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out m));

    public static readonly KeyCodec<string> Text = new(s => s, (string v, out string s) =>
    {
        s = v;
        return true;
    });
}

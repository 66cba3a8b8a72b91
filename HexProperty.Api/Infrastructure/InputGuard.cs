using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace HexProperty.Api.Infrastructure;

/// <summary>
/// The checks every input of every operation gets at the edge, whatever its own validator says, because what they
/// guard is below the domain: no string carries a control character (PostgreSQL refuses NUL; the rest end up in logs,
/// CSV exports and e-mails) or a broken UTF-16 surrogate (it cannot be encoded for the database), or runs longer than
/// <see cref="MaxStringLength"/>; no date lies so far out that date arithmetic (a stay's nights, a month's end, a
/// time-zone conversion) overflows. Route and query values, <c>[AsParameters]</c> objects and request bodies (the
/// types in <c>HexProperty.Api.Contracts</c>, nested objects and collections included) are all walked; a failure is a
/// 400 ProblemDetails naming each field as the client wrote it ("guest.email", "items[2]").
/// </summary>
public static class InputGuard
{
    /// <summary>The longest string any operation takes: the largest limit a contract sets (a property's description).</summary>
    public const int MaxStringLength = 4000;

    public static readonly DateOnly EarliestDate = new(1900, 1, 1);
    public static readonly DateOnly LatestDate = new(2199, 12, 31);

    private const string ContractsNamespace = "HexProperty.Api.Contracts";

    /// <summary>Adds the guard to every endpoint of <paramref name="builder"/> (a route group: the Api maps everything on one).</summary>
    public static TBuilder GuardInput<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory(static (factory, next) =>
        {
            var inspected = factory.MethodInfo.GetParameters()
                .Select((parameter, index) => (Index: index, Inspector: ForParameter(parameter)))
                .Where(p => p.Inspector is not null)
                .Select(p => (p.Index, Inspector: p.Inspector!))
                .ToArray();
            if (inspected.Length == 0)
            {
                return next;
            }

            return async context =>
            {
                Dictionary<string, string[]>? errors = null;
                foreach (var (index, inspector) in inspected)
                {
                    if (index < context.Arguments.Count)
                    {
                        inspector(context.Arguments[index], (field, reason) => (errors ??= [])[field] = [reason]);
                    }
                }

                return errors is null ? await next(context) : TypedResults.ValidationProblem(errors, title: "The request is not valid.");
            };
        });

    private delegate void Report(string field, string reason);

    private delegate void Inspector(object? value, Report report);

    private static Inspector? ForParameter(ParameterInfo parameter)
    {
        var name = JsonNamingPolicy.CamelCase.ConvertName(parameter.Name ?? "value");
        var asParameters = parameter.GetCustomAttribute<AsParametersAttribute>() is not null;
        var inspect = ForType(parameter.ParameterType, asParameters);
        // A body's and an [AsParameters] object's fields are named as the client wrote them, without the parameter's name.
        var root = asParameters || parameter.ParameterType.Namespace == ContractsNamespace ? "" : name;
        return inspect is null ? null : (value, report) => inspect(value, root, report);
    }

    private delegate void Walk(object? value, string path, Report report);

    private static readonly ConcurrentDictionary<(Type, bool), Walk?> Walks = new();

    /// <summary>How to walk a value of <paramref name="type"/>, or null when nothing in it needs checking.</summary>
    private static Walk? ForType(Type type, bool asParameters = false) => Walks.GetOrAdd((type, asParameters), static key => Build(key.Item1, key.Item2, depth: 0));

    private static Walk? Build(Type type, bool asParameters, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return static (value, path, report) => CheckString(value as string, path, report);
        }

        if (type == typeof(DateOnly))
        {
            return static (value, path, report) => CheckDate(value is DateOnly date ? date : null, path, report);
        }

        if (type == typeof(DateTime))
        {
            return static (value, path, report) => CheckDate(value is DateTime time ? DateOnly.FromDateTime(time) : null, path, report);
        }

        if (type == typeof(DateTimeOffset))
        {
            return static (value, path, report) => CheckDate(value is DateTimeOffset time ? DateOnly.FromDateTime(time.UtcDateTime) : null, path, report);
        }

        if (depth > 8 || type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(Guid))
        {
            return null;
        }

        if (type != typeof(string) && type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) is { } enumerable)
        {
            var item = Build(enumerable.GetGenericArguments()[0], false, depth + 1);
            return item is null ? null : (value, path, report) =>
            {
                var i = 0;
                foreach (var element in value as IEnumerable ?? Array.Empty<object>())
                {
                    item(element, $"{path}[{i++}]", report);
                }
            };
        }

        if (!asParameters && type.Namespace != ContractsNamespace)
        {
            return null; // a service, the user, the request itself: not input
        }

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Select(p => (Property: p, Name: JsonNamingPolicy.CamelCase.ConvertName(p.Name), Walk: Build(p.PropertyType, false, depth + 1)))
            .Where(p => p.Walk is not null)
            .ToArray();
        return properties.Length == 0 ? null : (value, path, report) =>
        {
            if (value is null)
            {
                return;
            }

            foreach (var (property, name, walk) in properties)
            {
                walk!(property.GetValue(value), path.Length == 0 ? name : $"{path}.{name}", report);
            }
        };
    }

    private static void CheckString(string? value, string field, Report report)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > MaxStringLength)
        {
            report(field, $"must be at most {MaxStringLength} characters long");
            return;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
            {
                report(field, $"must not contain control characters (U+{(int)c:X4} at position {i})");
                return;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                report(field, "is not valid Unicode text (an unpaired surrogate)");
                return;
            }
        }
    }

    private static void CheckDate(DateOnly? value, string field, Report report)
    {
        if (value is { } date && (date < EarliestDate || date > LatestDate))
        {
            report(field, $"must be between {EarliestDate:yyyy-MM-dd} and {LatestDate:yyyy-MM-dd}");
        }
    }
}

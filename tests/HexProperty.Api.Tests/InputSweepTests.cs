using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace HexProperty.Api.Tests;

/// <summary>
/// The classes of hostile input, swept over every operation of the Api's own OpenAPI document, so a new endpoint or a
/// new field is covered without anyone remembering to: control characters, over-long strings, numbers and dates at the
/// extremes of their types, unknown enum names. Each field gets each value of its class while every other field keeps
/// a plausible value, signed in as the agency's owner (an operator for the operations endpoints) so validation is
/// reached rather than a 401 or 403. Every answer must be below 500, a 4xx must be a ProblemDetails, and a value no
/// field may hold (a control character, an over-long string, a date arithmetic cannot take, an unknown enum name) must
/// be a 400 naming the field.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class InputSweepTests(ApiFixture api, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_field_of_every_operation_answers_hostile_input_with_a_4xx_problem_never_a_5xx()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (property, unit) = await staff.CreateBookableUnitAsync();
        var today = api.Clock.Today;
        var booking = await Guest.BookAsync(api.Client(), unit, today.AddDays(60), today.AddDays(63));
        var ids = new Dictionary<string, string>
        {
            ["propertyId"] = property.ToString(),
            ["unitId"] = unit.ToString(),
            ["reference"] = (string)booking["reference"]!,
        };
        var sample = new Sample(today);
        var operatorClient = await staff.OperatorAsync();
        using var alertmanager = api.Alertmanager();

        var document = await (await staff.Client.GetAsync("/openapi/v1.json")).BodyAsync();
        var operations = Operations(document).ToList();
        Assert.True(operations.Count >= 50, $"the document lists only {operations.Count} operations");

        var failures = new List<string>();
        var sent = 0;
        foreach (var operation in operations)
        {
            foreach (var (field, hostile) in operation.Mutations(document, sample))
            {
                using var request = operation.Request(document, sample, ids, field, hostile);
                var client = operation.Path == "/api/ops/alerts/notify" ? alertmanager
                    : operation.Path.StartsWith("/api/ops", StringComparison.Ordinal) ? operatorClient : staff.Client;
                using var response = await client.SendAsync(request);
                sent++;
                var status = (int)response.StatusCode;
                var contentType = response.Content.Headers.ContentType?.MediaType;
                var body = await response.Content.ReadAsStringAsync();
                var wrong = status >= 500 || (status >= 400 && status != 404 && status != 405 && contentType != "application/problem+json")
                    || (MustBeRefused(hostile) && !(status == 400 && NamesField(body, field)));
                if (wrong)
                {
                    failures.Add($"{operation.Method} {operation.Path} {field}={Show(hostile)}: {status} {contentType} {body[..Math.Min(body.Length, 300)]}");
                }
            }
        }

        output.WriteLine($"{sent} hostile requests over {operations.Count} operations; {failures.Count} answered wrongly");
        Assert.True(sent > 400, $"only {sent} requests were sent");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} answers were wrong:\n" + string.Join('\n', failures.Take(60)));
    }

    /// <summary>Values no field of any operation may take: they must be refused with a 400, never stored.</summary>
    private static bool MustBeRefused(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var text)
        && (text.Length > 4000 || text.Any(c => char.IsControl(c)) || text is "9999-12-31" or "0001-01-01" or "NoSuchValue" || text.StartsWith("9999-12-31T", StringComparison.Ordinal));

    /// <summary>Whether a validation problem names the field: "body.guest.email" as "guest.email", "query:City" as "city".</summary>
    private static bool NamesField(string body, string field)
    {
        var name = field.StartsWith("body.", StringComparison.Ordinal) ? field["body.".Length..] : field[(field.IndexOf(':') + 1)..];
        return JsonNode.Parse(body)?["errors"] is JsonObject errors && errors.Any(e => string.Equals(e.Key, name, StringComparison.OrdinalIgnoreCase));
    }

    private static string Show(JsonNode? value)
    {
        var text = value?.ToJsonString() ?? "null";
        return text.Length > 40 ? text[..40] + $"...({text.Length} chars)" : text;
    }

    private static IEnumerable<Operation> Operations(JsonNode document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (path.StartsWith("/openapi", StringComparison.Ordinal) || method is "parameters")
                {
                    continue;
                }

                yield return new Operation(new HttpMethod(method.ToUpperInvariant()), path, operation!);
            }
        }
    }

    /// <summary>Plausible and hostile values per schema type.</summary>
    private sealed class Sample(DateOnly today)
    {
        public JsonNode? Plausible(JsonNode document, JsonNode? schema, string name, int depth = 0)
        {
            schema = Resolve(document, schema);
            if (schema is null || depth > 6)
            {
                return null;
            }

            if (schema["enum"] is JsonArray values && values.Count > 0)
            {
                return values.FirstOrDefault(v => v is not null)?.DeepClone();
            }

            var format = (string?)schema["format"];
            return TypeOf(schema) switch
            {
                "object" => Object(document, schema, depth),
                "array" => new JsonArray(Plausible(document, schema["items"], name, depth + 1)),
                "integer" => name.Contains("year", StringComparison.OrdinalIgnoreCase) ? today.Year + 2 : 1,
                "number" => 10,
                "boolean" => false,
                _ when format == "uuid" => Guid.NewGuid().ToString(),
                _ when format == "date" => PlausibleDate(name),
                _ when format == "date-time" => today.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T12:00:00Z",
                _ when format == "email" || name.Contains("email", StringComparison.OrdinalIgnoreCase) => $"probe-{Guid.NewGuid():N}@example.test",
                _ => name.Equals("currency", StringComparison.OrdinalIgnoreCase) ? "EUR" : "probe",
            };
        }

        private string PlausibleDate(string name)
        {
            var offset = name.Contains("out", StringComparison.OrdinalIgnoreCase) || name.Contains("to", StringComparison.OrdinalIgnoreCase) || name.Contains("end", StringComparison.OrdinalIgnoreCase) ? 33 : 30;
            return today.AddDays(offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        private JsonObject Object(JsonNode document, JsonNode schema, int depth)
        {
            var result = new JsonObject();
            foreach (var (property, propertySchema) in schema["properties"]?.AsObject() ?? [])
            {
                result[property] = Plausible(document, propertySchema, property, depth + 1);
            }

            return result;
        }

        /// <summary>The hostile values of a field's class.</summary>
        public static IEnumerable<JsonNode?> Hostile(JsonNode document, JsonNode? schema)
        {
            schema = Resolve(document, schema);
            if (schema is null)
            {
                yield break;
            }

            if (schema["enum"] is JsonArray { Count: > 0 })
            {
                yield return "NoSuchValue";
                yield return 2147483647;
                yield break;
            }

            var format = (string?)schema["format"];
            switch (TypeOf(schema))
            {
                case "integer":
                    yield return int.MaxValue;
                    yield return int.MinValue;
                    yield return long.MaxValue;
                    yield return -1;
                    break;
                case "number":
                    yield return JsonValue.Create(decimal.MaxValue);
                    yield return JsonValue.Create(decimal.MinValue);
                    yield return JsonNode.Parse("1e300");
                    yield return JsonValue.Create(0.0000000001m);
                    break;
                case "string" when format is "date" or "date-time":
                    yield return format == "date" ? "9999-12-31" : "9999-12-31T23:59:59Z";
                    yield return format == "date" ? "0001-01-01" : "0001-01-01T00:00:00Z";
                    yield return "2026-02-30";
                    break;
                case "string" when format == "uuid":
                    yield return Guid.Empty.ToString();
                    yield return "not-a-uuid\u0000";
                    break;
                case "string":
                    yield return "a\u0000b";
                    yield return "bell\u0007\u001b[2J";
                    yield return new string('x', 100_000);
                    yield return "";
                    break;
                case "array":
                    yield return new JsonArray(Enumerable.Range(0, 2_000).Select(_ => (JsonNode?)"x").ToArray());
                    yield return new JsonArray("a\u0000b");
                    break;
                default:
                    break;
            }
        }

        private static string? TypeOf(JsonNode schema) => schema["type"] switch
        {
            JsonArray types => types.Select(t => (string?)t).FirstOrDefault(t => t is not "null"),
            JsonValue type => (string?)type,
            _ when schema["properties"] is not null => "object",
            _ => null,
        };

        public static JsonNode? Resolve(JsonNode document, JsonNode? schema)
        {
            for (var i = 0; i < 10 && schema?["$ref"] is JsonValue reference; i++)
            {
                var name = ((string)reference!).Split('/')[^1];
                schema = document["components"]?["schemas"]?[name];
            }

            // A nullable reference is written as oneOf/anyOf [null, $ref]: the non-null branch is the shape.
            if (schema?["oneOf"] is JsonArray oneOf || schema?["anyOf"] is JsonArray)
            {
                var branches = (schema["oneOf"] ?? schema["anyOf"])!.AsArray();
                return Resolve(document, branches.FirstOrDefault(b => (string?)b?["type"] != "null"));
            }

            return schema;
        }
    }

    private sealed record Operation(HttpMethod Method, string Path, JsonNode Spec)
    {
        private IEnumerable<JsonNode> Parameters => Spec["parameters"]?.AsArray().Where(p => p is not null).Select(p => p!) ?? [];

        private JsonNode? BodySchema => Spec["requestBody"]?["content"]?["application/json"]?["schema"];

        /// <summary>Each field (a parameter, or a body property by its JSON path) with each hostile value of its class.</summary>
        public IEnumerable<(string Field, JsonNode? Value)> Mutations(JsonNode document, Sample sample)
        {
            foreach (var parameter in Parameters)
            {
                var where = (string?)parameter["in"];
                if (where is "path" or "query")
                {
                    // A NUL in a path is refused by Kestrel before routing (400); the in-process test server throws instead.
                    foreach (var value in Sample.Hostile(document, parameter["schema"]).Where(v => where == "query" || !Text(v).Contains('\0', StringComparison.Ordinal)))
                    {
                        yield return ($"{where}:{parameter["name"]}", value);
                    }
                }
            }

            foreach (var (path, schema) in Leaves(document, BodySchema, "body"))
            {
                foreach (var value in Sample.Hostile(document, schema))
                {
                    yield return (path, value);
                }
            }
        }

        private static IEnumerable<(string Path, JsonNode? Schema)> Leaves(JsonNode document, JsonNode? schema, string prefix, int depth = 0)
        {
            var resolved = Sample.Resolve(document, schema);
            if (resolved is null || depth > 4)
            {
                yield break;
            }

            if (resolved["properties"] is JsonObject properties)
            {
                foreach (var (name, property) in properties)
                {
                    foreach (var leaf in Leaves(document, property, $"{prefix}.{name}", depth + 1))
                    {
                        yield return leaf;
                    }
                }
            }
            else if (prefix != "body")
            {
                yield return (prefix, resolved);
            }
        }

        public HttpRequestMessage Request(JsonNode document, Sample sample, IReadOnlyDictionary<string, string> ids, string field, JsonNode? hostile)
        {
            var path = Path;
            var query = new List<string>();
            foreach (var parameter in Parameters)
            {
                var name = (string)parameter["name"]!;
                var where = (string?)parameter["in"];
                var mutated = field == $"{where}:{name}";
                var value = mutated ? hostile : Plausible(document, sample, ids, parameter["schema"], name);
                if (where == "path")
                {
                    path = path.Replace("{" + name + "}", Uri.EscapeDataString(Text(value)), StringComparison.Ordinal);
                }
                else if (where == "query" && (mutated || parameter["required"]?.GetValue<bool>() == true || ids.ContainsKey(name)))
                {
                    query.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(Text(value))}");
                }
            }

            var request = new HttpRequestMessage(Method, query.Count == 0 ? path : path + "?" + string.Join('&', query));
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            if (BodySchema is not null)
            {
                var body = sample.Plausible(document, BodySchema, "body") ?? new JsonObject();
                if (field.StartsWith("body.", StringComparison.Ordinal))
                {
                    Set(body, field["body.".Length..].Split('.'), hostile);
                }

                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            }

            return request;
        }

        private JsonNode? Plausible(JsonNode document, Sample sample, IReadOnlyDictionary<string, string> ids, JsonNode? schema, string name) =>
            ids.TryGetValue(name, out var id) ? id
            : name == "id" && Path.Contains("/units/", StringComparison.Ordinal) ? ids["unitId"]
            : name == "id" && Path.Contains("/properties/", StringComparison.Ordinal) ? ids["propertyId"]
            : sample.Plausible(document, schema, name);

        private static string Text(JsonNode? value) => value switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => value.ToJsonString(),
        };

        private static void Set(JsonNode body, string[] path, JsonNode? value)
        {
            var node = body;
            foreach (var step in path[..^1])
            {
                node = node[step] ??= new JsonObject();
            }

            node[path[^1]] = value?.DeepClone();
        }
    }
}

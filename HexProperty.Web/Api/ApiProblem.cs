using System.Net;
using System.Text.Json;

namespace HexProperty.Web.Api;

/// <summary>
/// An RFC 7807 answer of the Api, as the site shows it: each field's reasons next to that field (keys as the Api names
/// them: "checkIn", "guest.email", "card.number"), and the title and detail for the rest.
/// </summary>
public sealed class ApiProblem
{
    public required HttpStatusCode Status { get; init; }

    public string? Type { get; init; }

    public string Title { get; init; } = "The request was refused.";

    public string? Detail { get; init; }

    public IReadOnlyDictionary<string, string[]> Errors { get; init; } = new Dictionary<string, string[]>();

    /// <summary>The last part of the problem type ("dates-unavailable"), for pages that place a problem by its kind.</summary>
    public string? Kind => Type is null ? null : Type[(Type.LastIndexOf('/') + 1)..];

    /// <summary>The reasons given for <paramref name="field"/>, matched without regard to case.</summary>
    public IReadOnlyList<string> For(string field) =>
        Errors.Where(e => string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase)).SelectMany(e => e.Value).ToArray();

    /// <summary>A sentence for the top of a form: the detail, or the title, and any field errors no input shows.</summary>
    public string Message => Detail ?? Title;

    public static ApiProblem Local(string field, string reason) => new()
    {
        Status = HttpStatusCode.BadRequest,
        Title = "The request is not valid.",
        Errors = new Dictionary<string, string[]> { [field] = [reason] },
    };

    public static async Task<ApiProblem> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        try
        {
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            var root = document.RootElement;
            var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("errors", out var fields) && fields.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in fields.EnumerateObject())
                {
                    errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                        ? [.. field.Value.EnumerateArray().Select(e => e.ToString())]
                        : [field.Value.ToString()];
                }
            }

            return new ApiProblem
            {
                Status = status,
                Type = Text(root, "type"),
                Title = Text(root, "title") ?? $"The request was refused ({(int)status}).",
                Detail = Text(root, "detail"),
                Errors = errors,
            };
        }
        catch (JsonException)
        {
            return new ApiProblem { Status = status, Title = $"The request was refused ({(int)status})." };
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>The Api's answer: the value, or the problem it reported (a 4xx).</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Ok => Problem is null;
}

/// <summary>
/// The Api cannot be reached or failed (connection refused, timeout, open circuit, 5xx). Pages let it bubble up; the
/// site answers it with a page that says so and offers a retry, never a stack trace.
/// </summary>
public sealed class ApiUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The Api refused the staff member's token (expired or revoked): the site signs them out and asks them to sign in.</summary>
public sealed class StaffSessionExpiredException() : Exception("The staff session has expired.");

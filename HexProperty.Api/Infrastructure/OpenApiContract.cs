using System.Text.Json.Nodes;
using HexProperty.Api.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace HexProperty.Api.Infrastructure;

/// <summary>
/// What the OpenAPI document says beyond each endpoint's own metadata, from facts that hold for every operation: the
/// bearer scheme and which operations need it; the answers the pipeline gives any operation (400 from the input guard
/// and validation, 401 and 403 from authorization, 404 for an id that is not the caller's, 429 from the rate limiter),
/// each a ProblemDetails with an example. A new endpoint is described without anyone remembering to.
/// </summary>
public static class OpenApiContract
{
    public const string BearerScheme = "bearer";

    /// <summary>Each tag the endpoints use, described for the reference UI; a tag missing here fails the contract test.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tags = new Dictionary<string, string>
    {
        ["Guests"] = "Anonymous: search, property details, availability, quotes, holds, payments, a booking's lookup and cancellation.",
        ["Staff"] = "Sign-up, sign-in and the agency's staff accounts.",
        ["Staff catalogue"] = "The agency's properties, units, rate rules and blocks (managers and owners change them).",
        ["Staff bookings"] = "The agency's bookings and payments: list, hold for a guest, record a payment, cancel, check in and out.",
        ["Staff dashboard"] = "Occupancy, revenue and arrivals per day.",
        ["Staff jobs"] = "Background jobs (exports, statistics rebuilds) run by the Worker, with progress and files.",
        ["Staff notifications"] = "What the Worker told the staff member (bookings held, confirmed, cancelled).",
        ["Staff audit"] = "The agency's audit trail, for owners.",
        ["Operations"] = "For platform operators: caches, latencies, queues, dead letters, schedules.",
        ["Platform"] = "The platform's own status and cache statistics.",
    };

    private const string ProblemSchema = "ProblemDetails";
    private const string ValidationProblemSchema = "HttpValidationProblemDetails";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "HexProperty Api";
            document.Info.Description = "Search, quote, hold and pay for stays (guests); manage an agency's catalogue, bookings, staff and exports (staff, with a bearer token from POST /api/auth/sign-in).";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The accessToken that POST /api/auth/sign-in answers (valid one hour; POST /api/auth/refresh renews it).",
            };
            document.Info.License = new OpenApiLicense { Name = "Proprietary: HexProperty and its customers", Url = new Uri("https://hexproperty.dev/terms") };
            foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            {
                tag.Description = tag.Name is { } name && Tags.TryGetValue(name, out var description) ? description : null;
            }

            foreach (var server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/');
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer(DescribeAsync);
    }

    private static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToList();
        var anonymous = policies.Count == 0 || metadata.OfType<IAllowAnonymous>().Any();
        var document = context.Document!;
        await EnsureSchemaAsync(document, context, ProblemSchema, typeof(ProblemDetails), cancellationToken);
        await EnsureSchemaAsync(document, context, ValidationProblemSchema, typeof(HttpValidationProblemDetails), cancellationToken);

        operation.Security = anonymous
            ? [new OpenApiSecurityRequirement()] // {}: no credentials needed
            : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];

        operation.Responses ??= [];
        Add(operation, document, "400", ValidationProblemSchema, "The input is not valid: each field named, with the reason.", new JsonObject
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            ["title"] = "The request is not valid.",
            ["status"] = 400,
            ["errors"] = new JsonObject { ["checkIn"] = new JsonArray("is in the past (today is 2026-11-30 at the property)") },
        });
        if (!anonymous)
        {
            Add(operation, document, "401", ProblemSchema, "No bearer token, an expired one, or its staff member was deactivated.", Example(401, "Unauthorized"));
            if (policies.Any(p => p is not null and not StaffPolicies.Staff))
            {
                Add(operation, document, "403", ProblemSchema, "The staff member's role does not allow this.", Example(403, "Forbidden"));
            }
        }

        if (context.Description.ParameterDescriptions.Any(p => p.Source.Id == "Path"))
        {
            Add(operation, document, "404", ProblemSchema, "Nothing with this id (for staff: in the caller's agency).",
                Example(404, "Not found", "There is no property with this id in your agency.", Problems.TypeBase + "not-found"));
        }

        if (anonymous || metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            Add(operation, document, "429", ProblemSchema, "Too many requests from this client; the Retry-After header says when to try again.",
                Example(429, "Too many requests", "Try again in 42 seconds.", Problems.TypeBase + "too-many-requests"));
        }

        // The endpoint's own problem answers (409 and the like) get an example too.
        foreach (var (status, response) in operation.Responses.Where(r => r.Key.StartsWith('4')))
        {
            foreach (var media in response.Content?.Values ?? [])
            {
                media.Example ??= Example(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), response.Description ?? status);
            }
        }
    }

    private static async Task EnsureSchemaAsync(OpenApiDocument document, OpenApiOperationTransformerContext context, string name, Type type, CancellationToken cancellationToken)
    {
        if (document.Components?.Schemas?.ContainsKey(name) != true)
        {
            document.AddComponent(name, await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
        }
    }

    private static JsonObject Example(int status, string title, string? detail = null, string? type = null) => new()
    {
        ["type"] = type ?? "https://tools.ietf.org/html/rfc9110",
        ["title"] = title,
        ["status"] = status,
        ["detail"] = detail ?? title,
    };

    private static void Add(OpenApiOperation operation, OpenApiDocument document, string status, string schema, string description, JsonObject example)
    {
        if (operation.Responses!.TryGetValue(status, out var declared))
        {
            // Declared by the endpoint (ProducesProblem): keep it, and give it the example and a description.
            if (declared is OpenApiResponse response)
            {
                if (string.IsNullOrEmpty(response.Description) || response.Description == ReasonPhrases.GetReasonPhrase(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture)))
                {
                    response.Description = description;
                }

                foreach (var media in response.Content?.Values ?? [])
                {
                    media.Example ??= example;
                }
            }

            return;
        }

        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(schema, document), Example = example },
            },
        };
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace HexProperty.Api.Infrastructure;

/// <summary>
/// Turns what the framework rejects before a handler runs (malformed JSON, a value of the wrong type, a missing
/// parameter, the wrong content type, an oversize body) into a ProblemDetails that names the field and the reason,
/// with the framework's own status (400, 413, 415).
/// </summary>
public sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var (field, reason) = Describe(bad);
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [reason] })
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                    StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON.",
                    _ => "The request is not valid.",
                },
            },
        });
    }

    internal static (string Field, string Reason) Describe(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            // A value of the wrong type names its field; broken JSON syntax is the body's fault wherever it stopped.
            var wrongType = json.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal);
            return wrongType && json.Path is { Length: > 2 } path
                ? (path.TrimStart('$', '.'), "has a value of the wrong type or format")
                : ("body", "is not valid JSON");
        }

        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return ("body", "must be sent as application/json");
        }

        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ("body", "is larger than the Api accepts");
        }

        if (ParameterName().Match(bad.Message) is { Success: true } parameter)
        {
            var reason = bad.Message.StartsWith("Required", StringComparison.Ordinal) ? "is required"
                : ParameterValue().Match(bad.Message) is { Success: true } value ? $"'{value.Groups[1].Value}' is not a valid value"
                : "is not valid";
            return (JsonNamingPolicy.CamelCase.ConvertName(parameter.Groups[1].Value), reason);
        }

        return ("body", bad.Message.Contains("no body was provided", StringComparison.Ordinal) ? "is required" : "could not be read");
    }

    // The framework's messages name the parameter as "Type name": 'Failed to bind parameter "DateOnly checkIn" from "x".'
    [GeneratedRegex("parameter \"[^\"]*? ([A-Za-z0-9_]+)\"")]
    private static partial Regex ParameterName();

    [GeneratedRegex("from \"(.*)\"\\.?$")]
    private static partial Regex ParameterValue();
}

using Microsoft.AspNetCore.Http.HttpResults;

namespace HexProperty.Api.Infrastructure;

/// <summary>
/// The Api's error answers, all RFC 7807 ProblemDetails: a validation problem names each field and its reason;
/// every other problem has a stable type URI a client can switch on.
/// </summary>
public static class Problems
{
    public const string TypeBase = "https://hexproperty.dev/problems/";

    public static ValidationProblem Invalid(string field, string reason) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] }, title: "The request is not valid.");

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(detail: $"There is no {what}.", statusCode: StatusCodes.Status404NotFound, title: "Not found", type: TypeBase + "not-found");

    public static ProblemHttpResult Conflict(string type, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: title, type: TypeBase + type, extensions: extensions);

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed", type: TypeBase + "forbidden");
}

using System.Text.Json;
using FluentValidation;

namespace HexProperty.Api.Infrastructure;

/// <summary>Validates a handler's request object before the handler runs; invalid input gets a 400 naming each field.</summary>
public sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.Arguments.OfType<T>().FirstOrDefault() is { } request)
        {
            var result = await validator.ValidateAsync(request, context.HttpContext.RequestAborted);
            if (!result.IsValid)
            {
                return TypedResults.ValidationProblem(
                    result.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray()),
                    title: "The request is not valid.");
            }
        }

        return await next(context);
    }
}

public static class ValidationExtensions
{
    /// <summary>Validates the request's <typeparamref name="T"/> with its registered validator.</summary>
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ValidationFilter<T>>().ProducesValidationProblem();

    /// <summary>Field names as the client wrote them: camelCase, nested with dots ("guest.email", "card.number").</summary>
    public static void UseJsonFieldNames()
    {
        // The first failed check of a field ends its checks: "must not be empty" then never runs "must contain a digit" on null.
        ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
    }
}

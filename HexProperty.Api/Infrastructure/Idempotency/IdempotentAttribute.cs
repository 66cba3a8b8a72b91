namespace HexProperty.Api.Infrastructure.Idempotency;

/// <summary>Marks an endpoint that creates something a retry must not create twice: it requires an Idempotency-Key.</summary>
public sealed class RequiresIdempotencyKey
{
    public static readonly RequiresIdempotencyKey Instance = new();
}

public static class IdempotencyEndpointExtensions
{
    public static RouteHandlerBuilder RequireIdempotencyKey(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(RequiresIdempotencyKey.Instance)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}

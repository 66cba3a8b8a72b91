using Microsoft.AspNetCore.Http.HttpResults;

namespace HexProperty.Api.Infrastructure;

/// <summary>What a service gives back: the value, or the problem the caller answers with (invalid input, not found, conflict).</summary>
public readonly struct Outcome<T>
{
    private Outcome(T? value, ValidationProblem? invalid, ProblemHttpResult? problem)
    {
        Value = value;
        Invalid = invalid;
        Problem = problem;
    }

    public T? Value { get; }

    public ValidationProblem? Invalid { get; }

    public ProblemHttpResult? Problem { get; }

    public static implicit operator Outcome<T>(T value) => new(value, null, null);

    public static implicit operator Outcome<T>(ValidationProblem invalid) => new(default, invalid, null);

    public static implicit operator Outcome<T>(ProblemHttpResult problem) => new(default, null, problem);

    /// <summary>The HTTP answer: <paramref name="success"/> of the value, or the problem.</summary>
    public Results<TSuccess, ValidationProblem, ProblemHttpResult> ToResult<TSuccess>(Func<T, TSuccess> success)
        where TSuccess : IResult =>
        Invalid is not null ? Invalid : Problem is not null ? Problem : success(Value!);
}

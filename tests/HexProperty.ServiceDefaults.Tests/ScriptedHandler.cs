using System.Net;

namespace HexProperty.ServiceDefaults.Tests;

/// <summary>
/// The innermost handler of a client under test: answers each attempt from a script, so a test states exactly
/// which attempts fail and can count how many the pipeline made.
/// </summary>
internal sealed class ScriptedHandler(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] script) : HttpMessageHandler
{
    private int _attempts;

    public int Attempts => _attempts;

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Status(HttpStatusCode status) =>
        (_, _) => Task.FromResult(new HttpResponseMessage(status));

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Hang() =>
        async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempts) - 1;
        return script[Math.Min(attempt, script.Length - 1)](request, cancellationToken);
    }
}

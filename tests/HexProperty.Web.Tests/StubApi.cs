using System.Net;
using System.Security.Claims;
using System.Text;
using HexProperty.Web.Api;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;

namespace HexProperty.Web.Tests;

/// <summary>
/// The Api as the components see it: a <see cref="HexApiClient"/> over a handler that answers each request from
/// <see cref="Answer"/> (a path and query in, a status and JSON out) and records what was asked.
/// </summary>
internal sealed class StubApi : HttpMessageHandler
{
    private readonly List<string> _asked = [];

    public Func<string, (HttpStatusCode Status, string Json)> Answer { get; set; } = _ => (HttpStatusCode.NotFound, "{}");

    /// <summary>What a request waits for before it is answered (an Api slower for one request than for the next).</summary>
    public Func<string, Task> Delay { get; set; } = _ => Task.CompletedTask;

    public IReadOnlyList<string> Asked
    {
        get
        {
            lock (_asked)
            {
                return [.. _asked];
            }
        }
    }

    public HexApiClient Client() =>
        new(new HttpClient(this) { BaseAddress = new Uri("http://api") }, new HttpContextAccessor(), new SignedIn());

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.PathAndQuery;
        lock (_asked)
        {
            _asked.Add(path);
        }

        await Delay(path);
        var (status, json) = Answer(path);
        return new HttpResponseMessage(status)
        {
            Content = new StringContent(json, Encoding.UTF8, status == HttpStatusCode.OK ? "application/json" : "application/problem+json"),
        };
    }

    /// <summary>A staff member whose cookie carries the Api's token, as a circuit's user does.</summary>
    private sealed class SignedIn : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity([new Claim(Staff.StaffClaims.AccessToken, "token")], "test"))));
    }
}

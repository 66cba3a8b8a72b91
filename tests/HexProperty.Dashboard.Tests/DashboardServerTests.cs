using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using HexProperty.Dashboard.Resources;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Proto.Logs.V1;

namespace HexProperty.Dashboard.Tests;

/// <summary>The dashboard's web application on a loopback port, without an AppHost behind it.</summary>
public sealed class DashboardServerTests : IAsyncLifetime
{
    private DashboardServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await DashboardServer.StartAsync(new DashboardOptions { Port = 0, MaxRequestBodyBytes = 64 * 1024 }, NoResources.Instance, NullLoggerFactory.Instance);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Pages_need_the_printed_token_and_a_wrong_one_is_told_so()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_server.Url) };
        using var anonymous = await http.GetAsync("/traces?resource=api");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/login?returnUrl=%2Ftraces%3Fresource%3Dapi", anonymous.Headers.Location!.ToString());

        using var wrong = await http.GetAsync("/login?t=guess");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("not this AppHost's", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var right = await http.GetAsync(_server.LoginUrl + "&returnUrl=%2Ftraces");
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal("/traces", right.Headers.Location!.ToString());
        var cookie = right.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(_server.Options.BrowserToken!, cookie, StringComparison.Ordinal);

        using var offsite = await http.GetAsync("/login?t=" + _server.Options.BrowserToken + "&returnUrl=//evil.example");
        Assert.Equal("/", offsite.Headers.Location!.ToString()); // no open redirect
    }

    [Fact]
    public async Task An_export_over_the_size_limit_gets_413_and_a_valid_one_is_stored()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_server.Url) };
        var big = OtlpMessages.Logs("api", [.. Enumerable.Range(0, 2000).Select(i => OtlpMessages.Log(new string('x', 100) + i, SeverityNumber.Info))]).ToByteArray();
        Assert.True(big.Length > 64 * 1024);
        using var tooBig = await http.SendAsync(Export(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);

        using var ok = await http.SendAsync(Export(OtlpMessages.Logs("api", OtlpMessages.Log("hello", SeverityNumber.Warn)).ToByteArray()));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("application/x-protobuf", ok.Content.Headers.ContentType!.MediaType);
        Assert.Equal(["hello"], _server.Telemetry.QueryLogs(new Telemetry.LogQuery("api")).Select(e => e.Message));
    }

    private HttpRequestMessage Export(byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        request.Headers.Add("x-otlp-api-key", _server.Options.OtlpApiKey);
        return request;
    }
}

using System.Net;

namespace HexProperty.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class SecurityHeadersTests(ApiFixture api)
{
    [Theory]
    [InlineData("/api/properties?city=Lisbon", HttpStatusCode.OK)]
    [InlineData("/api/properties/00000000-0000-0000-0000-000000000001", HttpStatusCode.NotFound)]
    [InlineData("/api/staff/me", HttpStatusCode.Unauthorized)]
    [InlineData("/health", HttpStatusCode.OK)]
    public async Task Every_answer_forbids_framing_sniffing_and_loading_anything(string path, HttpStatusCode status)
    {
        var response = await api.Client().GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("camera=()", response.Headers.GetValues("Permissions-Policy").Single(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Strict-Transport-Security")); // over HTTP a browser would ignore it
    }
}

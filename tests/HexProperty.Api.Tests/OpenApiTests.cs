using System.Net;

namespace HexProperty.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class OpenApiTests(ApiFixture api)
{
    [Fact]
    public async Task The_OpenAPI_document_describes_every_endpoint()
    {
        var response = await api.Client().GetAsync("/openapi/v1.json");
        var document = await response.BodyAsync();
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("3.", (string?)document["openapi"]);
        foreach (var path in new[]
        {
            "/api/properties", "/api/properties/{id}", "/api/properties/{id}/availability", "/api/units/{id}/quote", "/api/bookings",
            "/api/bookings/{reference}", "/api/bookings/{reference}/payments", "/api/bookings/{reference}/cancel", "/api/agencies",
            "/api/auth/sign-in", "/api/staff/properties", "/api/staff/units/{id}", "/api/staff/bookings", "/api/staff/payments", "/api/staff/users",
        })
        {
            Assert.Contains(path, paths);
        }
    }
}

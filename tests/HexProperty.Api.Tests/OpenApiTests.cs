using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;

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

    [Fact]
    public async Task The_OpenAPI_document_passes_Redocly_recommended_rules_without_an_error()
    {
        var lint = typeof(OpenApiTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "OpenApiLint").Value!;
        var file = Path.Combine(Path.GetTempPath(), $"hexproperty-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await api.Client().GetStringAsync("/openapi/v1.json"));
        try
        {
            var start = new ProcessStartInfo(Path.Combine(lint, "node_modules", ".bin", "redocly"), ["lint", file, "--format=json", "--config", Path.Combine(lint, "redocly.yaml")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = lint,
            };
            start.Environment["REDOCLY_TELEMETRY"] = "off";
            start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
            using var linter = Process.Start(start)!;
            var output = linter.StandardOutput.ReadToEndAsync();
            var errors = linter.StandardError.ReadToEndAsync();
            await linter.WaitForExitAsync();
            var report = JsonNode.Parse(await output) ?? throw new InvalidOperationException(await errors);
            var problems = report["problems"]!.AsArray()
                .Select(p => $"{p!["severity"]} {p["ruleId"]}: {p["message"]} at {p["location"]?[0]?["pointer"]}").ToList();
            Assert.True((int)report["totals"]!["errors"]! == 0, string.Join(Environment.NewLine, problems));
            Assert.True((int)report["totals"]!["warnings"]! == 0, string.Join(Environment.NewLine, problems));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Every_operation_names_its_security_and_the_reference_UI_serves_itself()
    {
        var document = await (await api.Client().GetAsync("/openapi/v1.json")).BodyAsync();
        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["bearer"]!["scheme"]);
        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in operations!.AsObject())
            {
                var security = operation!["security"]!.AsArray();
                var staff = path.StartsWith("/api/staff", StringComparison.Ordinal) || path.StartsWith("/api/ops", StringComparison.Ordinal);
                Assert.True(staff == security.Any(r => r!.AsObject().ContainsKey("bearer")), $"{method} {path}: security {security.ToJsonString()}");
                Assert.False(string.IsNullOrWhiteSpace((string?)operation["summary"]), $"{method} {path} has no summary");
                var problem = operation["responses"]!["400"]!["content"]!["application/problem+json"]!;
                Assert.NotNull(problem["example"]);
            }
        }

        var page = await api.Client().GetAsync("/scalar");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        var script = System.Text.RegularExpressions.Regex.Match(html, "<script[^>]+src=\"([^\"]+)\"").Groups[1].Value;
        Assert.False(script.StartsWith("http", StringComparison.Ordinal), $"the reference UI loads {script} from elsewhere");
        var bundle = await api.Client().GetAsync(new Uri(new Uri("http://localhost/scalar/"), script));
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.True((await bundle.Content.ReadAsByteArrayAsync()).Length > 100_000);
        var json = await api.Client().GetAsync("/openapi/v1.json");
        Assert.StartsWith("default-src 'none'", json.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}

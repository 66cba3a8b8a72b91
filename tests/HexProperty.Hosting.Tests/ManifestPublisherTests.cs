using System.Diagnostics;
using System.Text.Json.Nodes;
using HexProperty.Hosting.Publishing;

namespace HexProperty.Hosting.Tests;

public sealed class ManifestPublisherTests
{
    [Fact]
    public void Each_resource_is_written_as_Aspire_writes_it()
    {
        using var app = new TestApplication();

        var resources = ManifestPublisher.Write(app.Model, "/repo")["resources"]!.AsObject();

        Assert.Equal("container.v0", (string?)resources["postgres"]!["type"]);
        Assert.Equal(5432, (int?)resources["postgres"]!["bindings"]!["tcp"]!["targetPort"]);
        Assert.Equal(
            "Host={postgres.bindings.tcp.host};Port={postgres.bindings.tcp.port};Username=postgres;Password={postgres-password.value}",
            (string?)resources["postgres"]!["connectionString"]);
        Assert.Equal("value.v0", (string?)resources["hexdb"]!["type"]);
        Assert.Equal("{postgres.connectionString};Database=hexdb", (string?)resources["hexdb"]!["connectionString"]);
        Assert.Equal("{cache.bindings.tcp.host}:{cache.bindings.tcp.port},password={cache-password.value}", (string?)resources["cache"]!["connectionString"]);
        Assert.Equal("project.v0", (string?)resources["api"]!["type"]);
        Assert.Equal("HexProperty.Api/HexProperty.Api.csproj", (string?)resources["api"]!["path"]);
        Assert.Equal("{hexdb.connectionString}", (string?)resources["api"]!["env"]!["ConnectionStrings__hexdb"]);
        Assert.Equal("{api.bindings.http.url}", (string?)resources["web"]!["env"]!["services__api__http__0"]);
        Assert.True((bool?)resources["web"]!["bindings"]!["http"]!["external"]);
        Assert.Null(resources["api"]!["bindings"]!["http"]!["external"]);
        Assert.True((bool?)resources["postgres-password"]!["inputs"]!["value"]!["secret"]);
    }

    [Fact]
    public void Passwords_come_after_the_resources_that_use_them_and_no_secret_value_is_written()
    {
        using var app = new TestApplication();

        var manifest = ManifestPublisher.Write(app.Model, "/repo");
        var names = manifest["resources"]!.AsObject().Select(p => p.Key).ToList();

        Assert.True(names.IndexOf("postgres-password") > names.IndexOf("postgres"));
        Assert.True(names.IndexOf("messaging-password") > names.IndexOf("messaging"));
        Assert.DoesNotContain("secret-of-", manifest.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_manifest_is_valid_against_the_Aspire_8_schema()
    {
        using var app = new TestApplication(apiReplicas: 2);
        using var folder = new TemporaryFolder();
        var manifestPath = Path.Combine(folder.Path, "aspire-manifest.json");
        await File.WriteAllTextAsync(manifestPath, ManifestPublisher.Write(app.Model, "/repo").ToJsonString());
        var schemaPath = Path.Combine(AppContext.BaseDirectory, "Schemas", "aspire-8.0.schema.json");

        var (exitCode, output) = await RunAsync("python3", "-c",
            "import json, sys, jsonschema; jsonschema.Draft7Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2]))); print('valid')",
            schemaPath, manifestPath);

        Assert.True(exitCode == 0, $"The manifest does not validate (python3 with jsonschema is needed: apt-get install python3-jsonschema):\n{output}");
        Assert.Contains("valid", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}

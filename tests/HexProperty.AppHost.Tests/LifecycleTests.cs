using System.Diagnostics;
using System.Text.Json.Nodes;
using HexProperty.Hosting;
using HexProperty.Testing;
using Npgsql;

namespace HexProperty.AppHost.Tests;

/// <summary>Starting and stopping the whole application: nothing survives it, however it ends.</summary>
public sealed class LifecycleTests
{
    private static readonly string[] Resources = [.. PlatformFixture.Resources, "migrations"];

    [Fact]
    public async Task The_quick_start_runs_the_system_and_Ctrl_C_stops_it_then_the_data_is_there_in_the_next_run_which_SIGTERM_stops()
    {
        using var data = new TestDataFolder("quick-start");
        IReadOnlyList<ProcessTree.Member> running;
        await using (var apphost = AppHostProcess.StartQuickStart(data.Path))
        {
            await apphost.WaitUntilHealthyAsync();
            running = apphost.Processes();
            AssertWholeApplication(running);
            // The services run from their build output: a dotnet run wrapper would keep each alive 10 s after a stop.
            Assert.DoesNotContain(running, p => p.Command.Contains(".csproj", StringComparison.Ordinal));

            Assert.Matches(@"Login to the dashboard at http://localhost:15170/login\?t=[0-9a-f]{32}", apphost.Output);
            Assert.Matches(@"(?m)^\s+Resource\s+Type\s+State\s+Health\s+PID\s+Ready after\s+Endpoint", apphost.Output);
            foreach (var resource in Resources)
            {
                Assert.Matches($@"(?m)^\s+{resource}\s+\S+\s+(Running\s+Healthy|Finished)\s", apphost.Output);
            }

            // The balancers hold the ports the launch profiles give the projects: the site is where it always was.
            Assert.Matches(@"(?m)^\s+web\s+HAProxy\s+Running\s+Healthy\s+\d+\s+\d+\.\d s\s+.*http://127\.0\.0\.1:5300", apphost.Output);
            await using var connection = new NpgsqlConnection(await ConnectionStringAsync(data));
            await connection.OpenAsync();
            await new NpgsqlCommand("create table persisted (note text); insert into persisted values ('kept across runs')", connection).ExecuteNonQueryAsync();

            var clock = Stopwatch.StartNew();
            apphost.SignalGroup(Posix.SigInt);
            Assert.Equal(0, await apphost.WaitExitedAsync(TimeSpan.FromSeconds(60)));
            var left = await ProcessTree.WaitUntilGoneAsync(running, TimeSpan.FromSeconds(30));
            Assert.True(left.Count == 0, "still running after Ctrl+C: " + string.Join("; ", left));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"stopping took {clock.Elapsed.TotalSeconds:0.0} s");
        }

        await using var warm = AppHostProcess.Start(data.Path);
        await warm.WaitUntilHealthyAsync();
        running = warm.Processes();
        await using (var connection = new NpgsqlConnection(await ConnectionStringAsync(data)))
        {
            await connection.OpenAsync();
            Assert.Equal("kept across runs", await new NpgsqlCommand("select note from persisted", connection).ExecuteScalarAsync());
        }

        warm.Signal(Posix.SigTerm);
        Assert.Equal(0, await warm.WaitExitedAsync(TimeSpan.FromSeconds(60)));
        var leftAfterSigterm = await ProcessTree.WaitUntilGoneAsync(running, TimeSpan.FromSeconds(30));
        Assert.True(leftAfterSigterm.Count == 0, "still running after SIGTERM: " + string.Join("; ", leftAfterSigterm));
    }

    [Fact]
    public async Task A_second_AppHost_on_the_same_data_is_refused_and_a_SIGKILLed_AppHost_leaves_nothing_running()
    {
        using var data = new TestDataFolder("second");
        await using var first = AppHostProcess.Start(data.Path);
        await first.WaitUntilHealthyAsync();
        var running = first.Processes();
        AssertWholeApplication(running);

        await using var second = AppHostProcess.Start(data.Path);
        var exitCode = await second.WaitExitedAsync(TimeSpan.FromMinutes(1));

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"fail: Another AppHost (PID {first.Pid}) is already running on the data folder {data.Path}", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", second.Output, StringComparison.Ordinal); // a message, not a stack trace
        Assert.False(first.HasExited);

        first.Signal(Posix.SigKill);
        await first.WaitExitedAsync(TimeSpan.FromSeconds(10));
        var left = await ProcessTree.WaitUntilGoneAsync(running, TimeSpan.FromSeconds(45));

        Assert.True(left.Count == 0, "still running after SIGKILL: " + string.Join("; ", left));
    }

    [Fact]
    public async Task A_missing_server_program_stops_start_up_with_one_line_naming_the_Debian_package()
    {
        using var data = new TestDataFolder("missing");
        await using var apphost = AppHostProcess.Start(data.Path, $"--{LocalServers.ProgramsKey}:redis-server=/nonexistent/redis-server");

        var exitCode = await apphost.WaitExitedAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(1, exitCode);
        Assert.Contains("fail: Redis server (/nonexistent/redis-server) not found: install the Debian package 'redis-server' (sudo apt-get install -y redis-server", apphost.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", apphost.Output, StringComparison.Ordinal); // a message, not a stack trace
        Assert.False(Directory.Exists(Path.Combine(data.Path, "postgres", "data")), "nothing may start when a program is missing");
    }

    [Fact]
    public async Task The_AppHost_publishes_a_manifest_with_the_servers_as_Aspire_containers_that_the_schema_accepts()
    {
        using var data = new TestDataFolder("publish");
        var manifest = Path.Combine(data.Path, "aspire-manifest.json");
        await using var apphost = AppHostProcess.Start(data.Path, "--publisher", "manifest", "--output-path", manifest);

        Assert.Equal(0, await apphost.WaitExitedAsync(TimeSpan.FromMinutes(1)));
        var resources = JsonNode.Parse(await File.ReadAllTextAsync(manifest))!["resources"]!.AsObject();
        string[] model = ["postgres", "hexdb", "hexdb-reads", "cache", "messaging", "migrations", "api", "worker", "web", "postgres-password", "cache-password", "messaging-password"];
        Assert.All(model, name => Assert.True(resources.ContainsKey(name), $"{name} is missing"));
        // Besides: Aspire's own helper entries for the passwords in URIs and the TLS condition of Redis's connection string.
        Assert.All(resources.Select(r => r.Key).Except(model), name => Assert.Matches("^(.+-uri-encoded|cond-.+)$", name));
        Assert.Equal("container.v0", (string?)resources["postgres"]!["type"]);
        Assert.StartsWith("docker.io/library/postgres:", (string?)resources["postgres"]!["image"]);
        Assert.Equal("container.v0", (string?)resources["cache"]!["type"]);
        Assert.Equal("container.v0", (string?)resources["messaging"]!["type"]);
        Assert.Equal("value.v0", (string?)resources["hexdb"]!["type"]);
        Assert.Equal("{postgres.connectionString};Database=hexdb", (string?)resources["hexdb"]!["connectionString"]);
        // No standby and no balancer in a deployment: reads use the database (or its service's replica), the platform balances.
        Assert.Equal("{hexdb.connectionString}", (string?)resources["hexdb-reads"]!["connectionString"]);
        Assert.DoesNotContain("postgres-standby", resources.Select(r => r.Key));
        Assert.DoesNotContain("api-1", resources.Select(r => r.Key));
        Assert.All(new[] { "migrations", "api", "worker", "web" }, p => Assert.Equal("project.v0", (string?)resources[p]!["type"]));
        Assert.Equal("{hexdb.connectionString}", (string?)resources["api"]!["env"]!["ConnectionStrings__hexdb"]);
        Assert.Equal("{messaging.connectionString}", (string?)resources["worker"]!["env"]!["ConnectionStrings__messaging"]);
        Assert.Equal("parameter.v0", (string?)resources["postgres-password"]!["type"]);
        Assert.DoesNotContain("messaging-epmd", resources.Select(r => r.Key));
        Assert.DoesNotContain(data.Path, await File.ReadAllTextAsync(manifest), StringComparison.Ordinal); // no local folder leaks into a deployment
        var apiPath = Path.GetFullPath(Path.Combine(data.Path, (string)resources["api"]!["path"]!));
        Assert.True(File.Exists(apiPath), $"{apiPath} should be the Api project, relative to the manifest");

        var schema = Path.Combine(AppContext.BaseDirectory, "Schemas", "aspire-8.0.schema.json");
        using var validate = Process.Start(new ProcessStartInfo("python3", ["-c", "import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))); print('valid')", manifest, schema])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await validate.StandardOutput.ReadToEndAsync() + await validate.StandardError.ReadToEndAsync();
        await validate.WaitForExitAsync();
        Assert.True(validate.ExitCode == 0, output);
    }

    private static async Task<string> ConnectionStringAsync(TestDataFolder data) =>
        (string)JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(data.Path, StartupSummary.ConnectionsFileName)))!["ConnectionStrings"]!["hexdb"]!;

    /// <summary>The snapshot must hold every server, service and DCP itself, or "nothing left" would prove little.</summary>
    private static void AssertWholeApplication(IReadOnlyList<ProcessTree.Member> running)
    {
        string[] expected = ["dcp start-apiserver", "postgres -D", "redis-server", "epmd", "beam.smp", "HexProperty.Api", "HexProperty.Worker", "HexProperty.Web", "haproxy -f", "Aspire.Dashboard"];
        Assert.All(expected, program => Assert.True(running.Any(p => p.Command.Contains(program, StringComparison.Ordinal)),
            $"no '{program}' among: {string.Join("; ", running)}"));
    }
}

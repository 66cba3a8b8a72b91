using HexProperty.Hosting.Orchestration;
using HexProperty.Hosting.Testing;
using Npgsql;

namespace HexProperty.AppHost.Tests;

/// <summary>Starting and stopping the whole application: nothing survives it, however it ends.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task Stopping_leaves_no_process_behind_even_when_the_test_fails()
    {
        IReadOnlyList<ProcessTree.Member> running = [];
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>();
            await using var app = await builder.BuildAsync();
            await app.StartAsync();
            foreach (var name in app.ResourceNotifications.ResourceNames)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(name).WaitAsync(TimeSpan.FromMinutes(3));
            }

            // In a test the AppHost is this process: everything it started is below it.
            running = ProcessTree.Descendants(Environment.ProcessId);
            throw new InvalidOperationException("a failing assertion in the middle of a test");
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("a failing assertion", StringComparison.Ordinal))
        {
        }

        AssertWholeApplication(running);
        var left = await ProcessTree.WaitUntilGoneAsync(running, TimeSpan.FromSeconds(5));
        Assert.True(left.Count == 0, "still running: " + string.Join("; ", left));
    }

    [Fact]
    public async Task A_second_AppHost_on_the_same_data_is_refused_and_a_SIGKILLed_AppHost_leaves_nothing_running()
    {
        using var data = new AppHostDataFolder();
        var dataPath = data.Path;
        await using var first = await AppHostProcess.StartAsync(dataPath);
        await first.WaitUntilHealthyAsync();
        var running = first.Children();
        AssertWholeApplication(running);

        await using var second = await AppHostProcess.StartAsync(dataPath);
        var exitCode = await second.WaitExitedAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(1, exitCode);
        Assert.Contains($"Another AppHost (PID {first.Pid}) is already running on the data folder {dataPath}", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", second.Output, StringComparison.Ordinal); // a message, not a stack trace
        Assert.False(first.Exited.IsCompleted);

        first.Signal(Posix.SigKill);
        await first.WaitExitedAsync(TimeSpan.FromSeconds(10));
        var left = await ProcessTree.WaitUntilGoneAsync(running, TimeSpan.FromSeconds(10));

        Assert.True(left.Count == 0, "still running after SIGKILL: " + string.Join("; ", left));
    }

    [Fact]
    public async Task SIGTERM_and_Ctrl_C_stop_everything_in_reverse_dependency_order_and_data_persists_into_the_next_run()
    {
        using var data = new AppHostDataFolder();
        var dataPath = data.Path;
        IReadOnlyList<ProcessTree.Member> running;
        await using (var cold = await AppHostProcess.StartAsync(dataPath))
        {
            await cold.WaitUntilHealthyAsync();
            running = cold.Children();
            AssertWholeApplication(running);
            await using var connection = new NpgsqlConnection(cold.EnvironmentOf("api")["ConnectionStrings__hexdb"]);
            await connection.OpenAsync();
            await new NpgsqlCommand("create table persisted (note text); insert into persisted values ('kept across runs')", connection).ExecuteNonQueryAsync();

            var clock = System.Diagnostics.Stopwatch.StartNew();
            cold.Signal(Posix.SigTerm);
            var exitCode = await cold.WaitExitedAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(0, exitCode);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"stopping took {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.Contains("Stopping: worker, web -> api -> hexdb -> postgres, cache, messaging", cold.Output, StringComparison.Ordinal);
            var exited = cold.Output.Split('\n').Where(l => l.Contains(" Exited", StringComparison.Ordinal)).ToList();
            Assert.True(Before(exited, "web", "api") && Before(exited, "worker", "api") && Before(exited, "api", "hexdb") && Before(exited, "hexdb", "postgres"),
                "stop order: " + string.Join(" | ", exited));
        }

        Assert.Empty(await ProcessTree.WaitUntilGoneAsync(running, TimeSpan.FromSeconds(5)));

        await using var warm = await AppHostProcess.StartAsync(dataPath, "--show-logs");
        await warm.WaitUntilHealthyAsync();
        await using (var connection = new NpgsqlConnection(warm.EnvironmentOf("api")["ConnectionStrings__hexdb"]))
        {
            await connection.OpenAsync();
            Assert.Equal("kept across runs", await new NpgsqlCommand("select note from persisted", connection).ExecuteScalarAsync());
        }

        Assert.Matches(@"(?m)^Resource\s+Type\s+State\s+Health\s+PID\s+Endpoint", warm.Output.Replace("  Resource", "Resource", StringComparison.Ordinal));
        Assert.Matches(@"(?m)^postgres\s+\| .*ready to accept connections", warm.Output);
        // Ctrl+C in a terminal sends SIGINT to the AppHost only: its children run in their own sessions.
        var warmRunning = warm.Children();
        warm.Signal(Posix.SigInt);
        Assert.Equal(0, await warm.WaitExitedAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Stopped all resources", warm.Output, StringComparison.Ordinal);
        Assert.Empty(await ProcessTree.WaitUntilGoneAsync(warmRunning, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_missing_server_program_stops_startup_naming_the_Debian_package()
    {
        using var data = new AppHostDataFolder();
        var dataPath = data.Path;
        await using var apphost = await AppHostProcess.StartAsync(
            dataPath, "--AppHost:PostgresBinDirectory=/nonexistent/postgresql/bin", "--AppHost:RedisServerPath=/nonexistent/redis-server");

        var exitCode = await apphost.WaitExitedAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(1, exitCode);
        Assert.Contains("install the Debian package 'postgresql' (sudo apt-get install -y postgresql)", apphost.Output, StringComparison.Ordinal);
        Assert.Contains("install the Debian package 'redis-server'", apphost.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", apphost.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dataPath, "processes.json")), "nothing may start when a prerequisite is missing");
    }

    [Fact]
    public async Task The_AppHost_publishes_its_model_as_an_Aspire_manifest()
    {
        using var data = new AppHostDataFolder();
        var dataPath = data.Path;
        var manifest = Path.Combine(dataPath, "aspire-manifest.json");
        await using var apphost = await AppHostProcess.StartAsync(dataPath, "--publisher", "manifest", "--output-path", manifest);

        Assert.Equal(0, await apphost.WaitExitedAsync(TimeSpan.FromMinutes(1)));
        var resources = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(manifest))!["resources"]!.AsObject();
        Assert.Equal(
            ["postgres", "hexdb", "cache", "messaging", "api", "worker", "web", "postgres-password", "cache-password", "messaging-password"],
            resources.Select(r => r.Key));
        var apiPath = Path.GetFullPath(Path.Combine(dataPath, (string)resources["api"]!["path"]!));
        Assert.True(File.Exists(apiPath), $"{apiPath} should be the Api project, relative to the manifest");
    }

    /// <summary>The snapshot must hold every server and service, or "nothing left" would prove little.</summary>
    private static void AssertWholeApplication(IReadOnlyList<ProcessTree.Member> running)
    {
        string[] expected = ["postgres -D", "redis-server", "epmd", "beam.smp", "HexProperty.Api.dll", "HexProperty.Worker.dll", "HexProperty.Web.dll"];
        Assert.All(expected, program => Assert.Contains(running, p => p.Command.Contains(program, StringComparison.Ordinal)));
    }

    private static bool Before(List<string> lines, string first, string then) =>
        lines.FindIndex(l => l.Contains($" {first} Exited", StringComparison.Ordinal)) is var a and >= 0
        && lines.FindIndex(l => l.Contains($" {then} Exited", StringComparison.Ordinal)) is var b and >= 0
        && a < b;
}

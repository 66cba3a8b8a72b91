using System.Diagnostics;
using HexProperty.Hosting.Postgres;
using HexProperty.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace HexProperty.Hosting.Tests;

public sealed class PostgresTests
{
    private static Action<Aspire.Hosting.IDistributedApplicationBuilder> ServerWithDatabase =>
        builder => builder.AddLocalPostgres("postgres").AddDatabase("hexdb");

    [Fact]
    public async Task A_database_is_created_and_reached_with_the_connection_string_Aspire_gives()
    {
        await using var servers = await TestServers.StartAsync("postgres", ServerWithDatabase);

        var database = await servers.ConnectionStringAsync("hexdb");
        Assert.Matches(@"^Host=127\.0\.0\.1;Port=\d+;Username=postgres;Password=[A-Za-z0-9]{22,};Database=hexdb$", database);
        Assert.Equal(await servers.ConnectionStringAsync("postgres") + ";Database=hexdb", database);
        Assert.Equal("hexdb", await ScalarAsync(database, "select current_database()"));

        var wrong = new NpgsqlConnectionStringBuilder(database) { Password = "not-the-password" }.ConnectionString;
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(wrong, "select 1"));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
    }

    [Fact]
    public async Task The_health_check_is_a_real_client_so_an_open_port_that_refuses_the_password_is_unhealthy()
    {
        await using var servers = await TestServers.StartAsync("postgres", ServerWithDatabase);
        var database = await servers.ConnectionStringAsync("hexdb");
        Assert.Equal(HealthStatus.Healthy, await servers.CheckHealthAsync("hexdb"));

        await ScalarAsync(database, "alter role postgres password 'changed-behind-its-back'");

        Assert.Equal(HealthStatus.Unhealthy, await servers.CheckHealthAsync("hexdb"));
        Assert.Equal(HealthStatus.Unhealthy, await servers.CheckHealthAsync("postgres"));
    }

    [Fact]
    public async Task Data_survives_a_restart_a_changed_password_reaches_the_cluster_and_the_stop_is_a_clean_shutdown()
    {
        using var folder = new TestDataFolder("postgres-restart");
        string[] Password(string password) => [$"--Parameters:postgres-password={password}"];

        await using (var first = await StartInAsync(folder, Password("FirstPassword0123456789")))
        {
            await ScalarAsync(await first.ConnectionStringAsync("hexdb"), "create table kept (note text); insert into kept values ('still here')");
        }

        Assert.Contains("Database cluster state:               shut down\n", await ControlDataAsync(folder));

        await using var second = await StartInAsync(folder, Password("SecondPassword012345678"));
        var database = await second.ConnectionStringAsync("hexdb");
        Assert.Contains("Password=SecondPassword012345678", database);
        Assert.Equal("still here", await ScalarAsync(database, "select note from kept"));
    }

    [Fact]
    public async Task A_clean_start_begins_with_an_empty_cluster()
    {
        using var folder = new TestDataFolder("postgres-clean");
        await using (var first = await StartInAsync(folder))
        {
            await ScalarAsync(await first.ConnectionStringAsync("hexdb"), "create table dropped_by_clean (id int)");
        }

        await using var clean = await StartInAsync(folder, $"--{LocalServers.CleanKey}=true");
        Assert.Equal(0L, await ScalarAsync(await clean.ConnectionStringAsync("hexdb"), "select count(*) from pg_tables where tablename = 'dropped_by_clean'"));
    }

    [Fact]
    public async Task A_crashed_server_is_started_again_by_its_supervisor_within_seconds()
    {
        await using var servers = await TestServers.StartAsync("postgres", ServerWithDatabase);
        var database = await servers.ConnectionStringAsync("hexdb");
        var supervisor = SupervisorPid(servers);

        var clock = Stopwatch.StartNew();
        var killed = servers.KillServer("postgres");
        await servers.WaitRestartedAsync("postgres", killed, TimeSpan.FromSeconds(20));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"back after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(supervisor, SupervisorPid(servers)); // the same resource instance: DCP saw no exit
        Assert.Equal(1L, await ScalarAsync(database, "select 1::bigint"));
    }

    [Fact]
    public async Task A_standby_streams_the_primary_s_writes_refuses_its_own_and_the_reads_connection_falls_back_to_the_primary_while_it_is_down()
    {
        using var folder = new TestDataFolder("postgres-standby");
        void PrimaryAndStandby(Aspire.Hosting.IDistributedApplicationBuilder builder)
        {
            var postgres = builder.AddLocalPostgres("postgres");
            builder.AddReadsConnectionString("hexdb-reads", postgres.AddDatabase("hexdb"), postgres.AddStandby("postgres-standby"));
        }

        await using (var servers = await TestServers.StartAsync("postgres", PrimaryAndStandby, folder: folder))
        {
            var primary = await servers.ConnectionStringAsync("hexdb");
            var standby = new NpgsqlConnectionStringBuilder(await servers.ConnectionStringAsync("postgres-standby")) { Database = "hexdb" }.ConnectionString;
            var reads = await servers.ConnectionStringAsync("hexdb-reads");
            Assert.Matches(@"^Host=127\.0\.0\.1:\d+,127\.0\.0\.1:\d+;Username=postgres;Password=[A-Za-z0-9]{22,};Database=hexdb;Target Session Attributes=prefer-standby$", reads);

            await ScalarAsync(primary, "create table streamed (note text); insert into streamed values ('from the primary')");
            await Eventually.TrueAsync(async () => await TryScalarAsync(standby, "select note from streamed") is "from the primary", "the write never reached the standby");
            Assert.Equal(true, await ScalarAsync(standby, "select pg_is_in_recovery()"));
            var refused = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(standby, "insert into streamed values ('on the standby')"));
            Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, refused.SqlState);
            Assert.Equal("streaming", await ScalarAsync(primary, "select state from pg_stat_replication where application_name = 'postgres-standby'"));

            await using var dataSource = NpgsqlDataSource.Create(reads + ";Pooling=false"); // each query a new connection, as after a pool's lifetime
            Assert.Equal(true, await ScalarAsync(dataSource, "select pg_is_in_recovery()"));
            var killed = servers.KillServer("postgres-standby");
            Assert.Equal(false, await ScalarAsync(dataSource, "select pg_is_in_recovery()")); // on the primary while the standby is down
            await servers.WaitRestartedAsync("postgres-standby", killed, TimeSpan.FromSeconds(20));
        }

        // A second start keeps the standby (no new base backup) and streams again, from the primary's new port.
        await using (var again = await TestServers.StartAsync("postgres", PrimaryAndStandby, folder: folder))
        {
            var primary = await again.ConnectionStringAsync("hexdb");
            await ScalarAsync(primary, "insert into streamed values ('after the restart')");
            var standby = new NpgsqlConnectionStringBuilder(await again.ConnectionStringAsync("postgres-standby")) { Database = "hexdb" }.ConnectionString;
            await Eventually.TrueAsync(async () => await TryScalarAsync(standby, "select count(*) from streamed") is 2L, "the standby did not stream after a restart");
        }
    }

    private static async Task<object?> TryScalarAsync(string connectionString, string sql)
    {
        try
        {
            return await ScalarAsync(connectionString, sql);
        }
        catch (PostgresException)
        {
            return null;
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }

    private static Task<TestServers> StartInAsync(TestDataFolder folder, params string[] arguments) =>
        TestServers.StartAsync("postgres", ServerWithDatabase, arguments, folder);

    private static int SupervisorPid(TestServers servers) =>
        int.Parse(File.ReadAllText($"/proc/{servers.ServerPid("postgres")}/stat").Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string> ControlDataAsync(TestDataFolder folder)
    {
        var controlData = Path.Combine(Path.GetDirectoryName(PostgresCluster.FindBinDirectory() + "/")!, "pg_controldata");
        using var process = Process.Start(new ProcessStartInfo(controlData, ["-D", Path.Combine(folder.Path, "postgres", "data")]) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}

using HexProperty.Data.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace HexProperty.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class MigrationRunnerTests(ApiFixture api)
{
    private async Task<NpgsqlDataSource> FreshDatabaseAsync()
    {
        var name = "migrations_" + Guid.NewGuid().ToString("N")[..10];
        var server = new NpgsqlConnectionStringBuilder(api.DatabaseConnectionString) { Database = "postgres", Pooling = false };
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($"create database {name}", connection).ExecuteNonQueryAsync();
        }

        return NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(api.DatabaseConnectionString) { Database = name }.ConnectionString);
    }

    [Fact]
    public async Task Runners_started_together_apply_each_migration_once()
    {
        await using var dataSource = await FreshDatabaseAsync();

        var applied = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(CancellationToken.None)));

        Assert.Equal(MigrationRunner.Migrations.Count, applied.Sum(a => a.Count));
        await using var count = dataSource.CreateCommand("select count(*) from schema_migrations");
        Assert.Equal((long)MigrationRunner.Migrations.Count, await count.ExecuteScalarAsync());
        Assert.Empty(await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_migration_edited_after_it_was_applied_stops_startup()
    {
        await using var dataSource = await FreshDatabaseAsync();
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);
        await runner.ApplyAsync(CancellationToken.None);
        await using (var tamper = dataSource.CreateCommand("update schema_migrations set checksum = 'edited' where id = '0001_booking_core'"))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.ApplyAsync(CancellationToken.None));

        Assert.Contains("0001_booking_core was changed after it was applied", error.Message, StringComparison.Ordinal);
    }
}

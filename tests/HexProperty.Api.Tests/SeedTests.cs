extern alias seeder;
using System.Security.Cryptography;
using System.Text;
using HexProperty.Data.Model;
using Npgsql;
using seeder::HexProperty.Seed;

namespace HexProperty.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class SeedTests(ApiFixture api)
{
    private static readonly DateOnly Anchor = new(2026, 11, 21);

    private static string Fingerprint(DataSet data)
    {
        var text = new StringBuilder();
        foreach (var p in data.Properties)
        {
            text.Append(p.Id).Append(p.Name).Append(p.City).Append(string.Join(',', p.Amenities)).Append('\n');
        }

        foreach (var b in data.Bookings)
        {
            text.Append(b.Id).Append(b.CheckIn).Append(b.CheckOut).Append(b.Status).Append(b.Total).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    [Fact]
    public void The_same_seed_gives_the_same_data_and_another_seed_different_data()
    {
        var first = new DataSetGenerator(SeedSize.Small, 7, Anchor).Generate("hash");
        var again = new DataSetGenerator(SeedSize.Small, 7, Anchor).Generate("hash");
        var other = new DataSetGenerator(SeedSize.Small, 8, Anchor).Generate("hash");

        Assert.Equal(Fingerprint(first), Fingerprint(again));
        Assert.NotEqual(Fingerprint(first), Fingerprint(other));
        Assert.Equal(SeedSize.Small.Bookings, first.Bookings.Length);
    }

    [Fact]
    public void Generated_stays_never_overlap_and_their_status_follows_the_anchor_date()
    {
        var data = new DataSetGenerator(SeedSize.Small, 11, Anchor).Generate("hash");

        foreach (var unit in data.Bookings.GroupBy(b => b.Unit))
        {
            var stays = unit.OrderBy(b => b.CheckIn).ToList();
            Assert.All(stays.Zip(stays.Skip(1)), pair => Assert.True(pair.First.CheckOut <= pair.Second.CheckIn, $"overlap on unit {unit.Key}"));
        }

        Assert.All(data.Bookings.Where(b => b.Status == BookingStatus.Completed), b => Assert.True(b.CheckOut <= Anchor));
        Assert.All(data.Bookings.Where(b => b.Status == BookingStatus.Confirmed), b => Assert.True(b.CheckIn > Anchor));
        Assert.All(data.Bookings.Where(b => b.Status == BookingStatus.CheckedIn), b => Assert.True(b.CheckIn <= Anchor && Anchor < b.CheckOut));
        Assert.All(data.Bookings, b => Assert.True(b.CreatedAt <= new DateTimeOffset(Anchor.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero)));
    }

    [Fact]
    public async Task The_small_set_loads_with_COPY_into_a_fresh_database_and_refuses_to_overwrite_without_replace()
    {
        var name = "seed_" + Guid.NewGuid().ToString("N")[..10];
        var server = new NpgsqlConnectionStringBuilder(api.DatabaseConnectionString) { Database = "postgres", Pooling = false };
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($"create database {name}", connection).ExecuteNonQueryAsync();
        }

        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(api.DatabaseConnectionString) { Database = name }.ConnectionString);
        var data = new DataSetGenerator(SeedSize.Small, 3, Anchor).Generate("hash");
        var output = new StringWriter();

        var timings = await new CopyLoader(dataSource, output).LoadAsync(data, replace: false, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => new CopyLoader(dataSource, TextWriter.Null).LoadAsync(data, replace: false, CancellationToken.None));
        await new CopyLoader(dataSource, TextWriter.Null).LoadAsync(data, replace: true, CancellationToken.None);

        async Task<long> CountAsync(string sql)
        {
            await using var command = dataSource.CreateCommand(sql);
            return (long)(await command.ExecuteScalarAsync())!;
        }

        Assert.Equal(data.Bookings.Length, timings["bookings"].Rows);
        Assert.Equal(data.Bookings.Length, await CountAsync("select count(*) from bookings"));
        Assert.Equal(data.Bookings.Length, await CountAsync("select count(*) from payments"));
        Assert.Equal(data.Bookings.Count(b => b.Status != BookingStatus.Cancelled), await CountAsync("select count(*) from unit_occupancy"));
        Assert.Equal(data.Bookings.Count(b => b.Status == BookingStatus.Cancelled), await CountAsync("select count(*) from refunds"));
        Assert.Equal(0, await CountAsync("select count(*) from bookings b join payments p on p.booking_id = b.id where p.amount <> b.total"));
        Assert.Equal(0, await CountAsync("select count(*) from bookings where (quote ->> 'total')::numeric <> total"));
        Assert.Contains("already holds data", refused.Message, StringComparison.Ordinal);
        Assert.Contains("bookings", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("100%", output.ToString(), StringComparison.Ordinal);

        // Every property has its photos, each a picture of the pool stored once with its three images, in order.
        Assert.Equal(data.Properties.Sum(p => p.Photos.Count), await CountAsync("select count(*) from photos where status = 'Ready'"));
        Assert.Equal(0, await CountAsync("select count(*) from properties where cardinality(photos) = 0"));
        Assert.Equal(SeedPhotos.PoolSize * 3, await CountAsync("select count(*) from image_variants"));
        Assert.Equal(0, await CountAsync("""
            select count(*) from properties p
            where photos <> array(select sha256 from photos where property_id = p.id order by position, id)
            """));

        // A database loaded before photos: the properties without any get the seed's, the others keep theirs.
        await using (var clear = dataSource.CreateCommand("""
            delete from photos where property_id in (select id from properties order by id limit 10);
            update properties set photos = '{}' where id in (select id from properties order by id limit 10)
            """))
        {
            await clear.ExecuteNonQueryAsync();
        }

        var untouched = await CountAsync("select count(*) from photos where property_id not in (select id from properties order by id limit 10)");
        var added = await new CopyLoader(dataSource, TextWriter.Null).AddPhotosAsync(CancellationToken.None);
        Assert.InRange(added, 10, 50);
        Assert.Equal(untouched + added, await CountAsync("select count(*) from photos"));
        Assert.Equal(0, await CountAsync("select count(*) from properties where cardinality(photos) = 0"));
        Assert.Equal(0, await CountAsync("select count(*) from properties p where photos <> array(select sha256 from photos where property_id = p.id order by position, id)"));
        Assert.Equal(SeedPhotos.PoolSize * 3, await CountAsync("select count(*) from image_variants"));
    }
}

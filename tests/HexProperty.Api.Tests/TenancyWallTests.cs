using System.Security.Claims;
using HexProperty.Api.Identity;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HexProperty.Api.Tests;

/// <summary>
/// The two tenancy walls, each on its own: the context's query filters with row-level security out of the way, and
/// row-level security with the filters switched off. Either alone keeps a context acting for one agency away from
/// another agency's rows, for reading, changing and adding.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TenancyWallTests(ApiFixture api)
{
    /// <summary>The tables migration 0006 (and later ones) wall; each has agency_id.</summary>
    private static readonly string[] WalledTables =
        ["staff_users", "properties", "units", "rate_rules", "blocks", "bookings", "payments", "refunds", "jobs", "notifications", "daily_stats", "audit_entries", "photos"];

    [Fact]
    public async Task Query_filters_alone_keep_every_agency_owned_entity_to_the_agency()
    {
        var (mine, theirs) = await TwoAgenciesAsync();
        await using var dataSource = NpgsqlDataSource.Create(api.DatabaseConnectionString);
        // A connection the test opens itself: the context does not open it, so the second wall never goes up and
        // the queries below run as the tables' owner, whom row-level security lets see everything.
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var db = Context(connection, mine.AgencyId);
        Assert.Equal("postgres", await db.Database.SqlQuery<string>($"select current_user as \"Value\"").SingleAsync());

        var owned = db.Model.GetEntityTypes().Select(e => e.ClrType).Where(typeof(IAgencyOwned).IsAssignableFrom).ToList();
        Assert.Equal(13, owned.Count);
        foreach (var type in owned)
        {
            var (others, othersUnfiltered) = await (Task<(int, int)>)typeof(TenancyWallTests)
                .GetMethod(nameof(CountOthersAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(type).Invoke(null, [db, mine.AgencyId])!;
            Assert.True(others == 0, $"{type.Name}: {others} rows of other agencies seen through the filter");
            // Where the test made the other agency rows of this kind, they are there to be hidden.
            if (type == typeof(Property) || type == typeof(Unit) || type == typeof(RateRule) || type == typeof(Booking) || type == typeof(Payment) || type == typeof(StaffUser))
            {
                Assert.True(othersUnfiltered > 0, $"{type.Name}: the other agency's rows are missing");
            }
        }

        // The other agency's rows are there (the owner sees them without the filter), and the filter hides them.
        Assert.True(await db.Properties.IgnoreQueryFilters().AnyAsync(p => p.Id == theirs.PropertyId));
        Assert.Null(await db.Properties.FirstOrDefaultAsync(p => p.Id == theirs.PropertyId));
        Assert.Empty(await db.Agencies.Where(a => a.Id == theirs.AgencyId).ToListAsync());
        Assert.Equal(0, await db.Properties.Where(p => p.Id == theirs.PropertyId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Name, "Taken")));
        Assert.Equal(0, await db.Units.Where(u => u.Id == theirs.UnitId).ExecuteDeleteAsync());
        Assert.Equal("Theirs", await db.Properties.IgnoreQueryFilters().Where(p => p.Id == theirs.PropertyId).Select(p => p.Name).SingleAsync());
        Assert.Equal(1, await db.Properties.CountAsync(p => p.Id == mine.PropertyId));
    }

    [Fact]
    public async Task Row_level_security_alone_keeps_a_forgetful_query_to_the_agency()
    {
        var (mine, theirs) = await TwoAgenciesAsync();
        await using var dataSource = NpgsqlDataSource.Create(api.DatabaseConnectionString);
        await using var db = Context(dataSource, mine.AgencyId);
        Assert.Equal(AgencyScope.Role, await db.Database.SqlQuery<string>($"select current_user as \"Value\"").SingleAsync());

        // Raw SQL, which no query filter touches: every walled table shows the agency's rows only.
        foreach (var table in WalledTables)
        {
#pragma warning disable EF1003 // the table name comes from the constant list above; the agency is a parameter
            var others = await db.Database.SqlQueryRaw<long>("select count(*) as \"Value\" from " + table + " where agency_id <> {0}", mine.AgencyId).SingleAsync();
#pragma warning restore EF1003
            Assert.True(others == 0, $"{table}: {others} rows of other agencies visible");
        }

        Assert.Equal([mine.AgencyId], await db.Database.SqlQuery<Guid>($"select id as \"Value\" from agencies").ToListAsync());
        Assert.True(await db.Database.SqlQuery<long>($"select count(*) as \"Value\" from properties").SingleAsync() >= 1);

        // LINQ with the filters switched off: reads, changes and deletes of the other agency's rows find nothing.
        Assert.False(await db.Properties.IgnoreQueryFilters().AnyAsync(p => p.Id == theirs.PropertyId));
        Assert.Equal(0, await db.Properties.IgnoreQueryFilters().Where(p => p.Id == theirs.PropertyId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Name, "Taken")));
        Assert.Equal(0, await db.Database.ExecuteSqlAsync($"update units set name = 'Taken' where id = {theirs.UnitId}"));
        Assert.Equal(0, await db.Database.ExecuteSqlAsync($"delete from rate_rules where agency_id = {theirs.AgencyId}"));

        // Adding a row for the other agency, or moving one's own row to it, is refused by the database.
        var now = DateTimeOffset.UtcNow;
        db.Properties.Add(new Property
        {
            Id = Guid.CreateVersion7(),
            AgencyId = theirs.AgencyId,
            Name = "Planted",
            AddressLine = "x",
            City = "x",
            Country = "PT",
            Currency = "EUR",
            CreatedAt = now,
            UpdatedAt = now,
        });
        var planted = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, Assert.IsType<PostgresException>(planted.InnerException).SqlState);
        db.ChangeTracker.Clear();
        var moved = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlAsync($"update properties set agency_id = {theirs.AgencyId} where id = {mine.PropertyId}"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, moved.SqlState);

        await using var owner = await dataSource.OpenConnectionAsync();
        await using var check = new NpgsqlCommand($"select name from properties where id = '{theirs.PropertyId}'", owner);
        Assert.Equal("Theirs", await check.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_pooled_connection_forgets_the_agency_when_it_goes_back_to_the_pool()
    {
        var (mine, _) = await TwoAgenciesAsync();
        // One physical connection, so the next user gets exactly the one the agency's context used.
        await using var dataSource = NpgsqlDataSource.Create(api.DatabaseConnectionString + ";Maximum Pool Size=1");
        await using (var db = Context(dataSource, mine.AgencyId))
        {
            Assert.Equal(1, await db.Properties.IgnoreQueryFilters().CountAsync(p => p.Id == mine.PropertyId));
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"select current_user, coalesce(current_setting('{AgencyScope.Setting}', true), ''), (select count(distinct agency_id) from properties)", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("postgres", reader.GetString(0));
        Assert.Equal("", reader.GetString(1));
        Assert.True(reader.GetInt64(2) >= 2);
    }

    [Fact]
    public async Task The_Api_hands_a_staff_request_a_walled_context_and_a_guest_request_an_open_one()
    {
        var (mine, _) = await TwoAgenciesAsync();
        var http = api.Api.Services.GetRequiredService<IHttpContextAccessor>();

        await using (var staffScope = api.Api.Services.CreateAsyncScope())
        {
            http.HttpContext = new DefaultHttpContext
            {
                RequestServices = staffScope.ServiceProvider,
                User = new ClaimsPrincipal(new ClaimsIdentity(
                    [new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()), new Claim(CurrentStaff.AgencyClaim, mine.AgencyId.ToString())], "test")),
            };
            var db = staffScope.ServiceProvider.GetRequiredService<HexDbContext>();
            Assert.Equal(mine.AgencyId, db.AgencyId);
            Assert.Equal(AgencyScope.Role, await db.Database.SqlQuery<string>($"select current_user as \"Value\"").SingleAsync());
            Assert.Equal([mine.AgencyId], await db.Agencies.IgnoreQueryFilters().Select(a => a.Id).ToListAsync());
            // The factory's contexts retry transient failures.
            Assert.True(db.Database.CreateExecutionStrategy().RetriesOnFailure);
        }

        await using (var guestScope = api.Api.Services.CreateAsyncScope())
        {
            http.HttpContext = new DefaultHttpContext { RequestServices = guestScope.ServiceProvider };
            var db = guestScope.ServiceProvider.GetRequiredService<HexDbContext>();
            Assert.Null(db.AgencyId);
            Assert.Equal("postgres", await db.Database.SqlQuery<string>($"select current_user as \"Value\"").SingleAsync());
            Assert.True(await db.Agencies.CountAsync() >= 2);
        }

        http.HttpContext = null;
    }

    private static async Task<(int Others, int OthersUnfiltered)> CountOthersAsync<T>(HexDbContext db, Guid agency)
        where T : class, IAgencyOwned
    {
        var others = await db.Set<T>().CountAsync(e => EF.Property<Guid>(e, nameof(IAgencyOwned.AgencyId)) != agency);
        var othersUnfiltered = await db.Set<T>().IgnoreQueryFilters().CountAsync(e => EF.Property<Guid>(e, nameof(IAgencyOwned.AgencyId)) != agency);
        return (others, othersUnfiltered);
    }

    private static HexDbContext Context(NpgsqlDataSource dataSource, Guid agency)
    {
        var options = new DbContextOptionsBuilder<HexDbContext>();
        HexDbContext.Configure(options, dataSource);
        return new(options.Options) { Scope = new FixedAgencyScope(agency) };
    }

    private static HexDbContext Context(NpgsqlConnection connection, Guid agency) =>
        new(new DbContextOptionsBuilder<HexDbContext>().UseNpgsql(connection).AddInterceptors(AgencyScope.Wall).Options) { Scope = new FixedAgencyScope(agency) };

    private sealed record Agency(Guid AgencyId, Guid PropertyId, Guid UnitId);

    /// <summary>Two agencies, each with a property ("Mine", "Theirs"), a unit with a rate rule, and a booking.</summary>
    private async Task<(Agency Mine, Agency Theirs)> TwoAgenciesAsync()
    {
        var agencies = new List<Agency>();
        foreach (var name in new[] { "Mine", "Theirs" })
        {
            var staff = await StaffSession.SignUpAsync(api);
            var property = await staff.CreatePropertyAsync(name: name);
            var unit = await staff.CreateUnitAsync(property);
            await staff.AddRuleAsync(unit, new { kind = RateRuleKind.WeekendUplift, name = "Weekend", percent = 10m });
            await Guest.BookAsync(api.Client(), unit, api.Clock.Today.AddDays(30), api.Clock.Today.AddDays(32));
            agencies.Add(new Agency(staff.AgencyId, property, unit));
        }

        return (agencies[0], agencies[1]);
    }
}

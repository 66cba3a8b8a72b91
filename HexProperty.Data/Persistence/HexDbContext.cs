using System.Text.Json;
using HexProperty.Data.Messaging;
using HexProperty.Data.Model;
using HexProperty.Data.Pricing;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace HexProperty.Data.Persistence;

/// <summary>
/// The booking platform's database (hexdb). The schema comes from the hand-written migrations; this maps it:
/// snake_case names, enums as their names, the stored quote as jsonb. A context acting for an agency
/// (<see cref="Scope"/>) sees and changes only that agency's rows (<see cref="AgencyScope"/>'s two walls), and its
/// staff changes are written to the audit trail in the same transaction (<see cref="AuditTrail"/>).
/// </summary>
public sealed class HexDbContext(DbContextOptions<HexDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    private static readonly JsonSerializerOptions QuoteJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The context's options on a data source: Npgsql, transient failures retried within <paramref name="pool"/>'s
    /// budget when one is given, and the second tenancy wall (<see cref="AgencyScope"/>).
    /// </summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, Npgsql.NpgsqlDataSource dataSource, DatabasePoolOptions? pool = null) =>
        options.UseNpgsql(dataSource, npgsql =>
        {
            if (pool is not null)
            {
                npgsql.EnableRetryOnFailure(pool.RetryCount, pool.RetryMaxDelay, errorCodesToAdd: null);
            }
        }).AddInterceptors(AgencyScope.Wall);

    /// <summary>Who this context acts for; set each time the context is handed out (it is pooled). Null: no agency.</summary>
    public IAgencyScope? Scope { get; set; }

    /// <summary>The agency every query of this context is kept to, or null for none (read by the query filters).</summary>
    public Guid? AgencyId => Scope?.AgencyId;

    public DbSet<Agency> Agencies => Set<Agency>();

    public DbSet<StaffUser> StaffUsers => Set<StaffUser>();

    public DbSet<Property> Properties => Set<Property>();

    public DbSet<Unit> Units => Set<Unit>();

    public DbSet<RateRule> RateRules => Set<RateRule>();

    public DbSet<Block> Blocks => Set<Block>();

    public DbSet<Guest> Guests => Set<Guest>();

    public DbSet<Booking> Bookings => Set<Booking>();

    public DbSet<UnitOccupancy> UnitOccupancy => Set<UnitOccupancy>();

    public DbSet<Payment> Payments => Set<Payment>();

    public DbSet<Refund> Refunds => Set<Refund>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<DeadLetter> DeadLetters => Set<DeadLetter>();

    public DbSet<DailyStat> DailyStats => Set<DailyStat>();

    public DbSet<Schedule> Schedules => Set<Schedule>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<Photo> Photos => Set<Photo>();

    /// <summary>ASP.NET Core's data protection keys (they sign the Api's bearer tokens), shared by every Api instance.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        AuditTrail.Record(this);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        AuditTrail.Record(this);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Block>().Property(b => b.Start).HasColumnName("start_date");
        model.Entity<Block>().Property(b => b.End).HasColumnName("end_date");
        model.Entity<Booking>().Ignore(b => b.Nights);
        model.Entity<Booking>().Property(b => b.Quote).HasColumnType("jsonb").HasConversion(
            quote => JsonSerializer.Serialize(quote, QuoteJson),
            json => JsonSerializer.Deserialize<PriceQuote>(json, QuoteJson)!);
        model.Entity<UnitOccupancy>().ToTable("unit_occupancy");
        model.Entity<OutboxMessage>().ToTable("outbox_messages").HasKey(m => m.Sequence);
        model.Entity<OutboxMessage>().Property(m => m.Sequence).ValueGeneratedOnAdd();
        model.Entity<OutboxMessage>().Property(m => m.Payload).HasColumnType("jsonb");
        model.Entity<Job>().Ignore(j => j.IsFinished);
        model.Entity<Job>().Property(j => j.Parameters).HasColumnType("jsonb");
        model.Entity<DailyStat>().ToTable("daily_stats").HasKey(s => new { s.PropertyId, s.Day });
        model.Entity<Schedule>().HasKey(s => s.Name);
        model.Entity<Property>().HasMany(p => p.Units).WithOne(u => u.Property).HasForeignKey(u => u.PropertyId);
        model.Entity<Unit>().HasMany(u => u.RateRules).WithOne().HasForeignKey(r => r.UnitId);
        model.Entity<AuditEntry>().Property(a => a.Before).HasColumnType("jsonb");
        model.Entity<AuditEntry>().Property(a => a.After).HasColumnType("jsonb");

        // The first tenancy wall: acting for an agency, a query sees that agency's rows only, however it was written.
        model.Entity<Agency>().HasQueryFilter(a => AgencyId == null || a.Id == AgencyId);
        var keep = typeof(HexDbContext).GetMethod(nameof(KeepToAgency), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        foreach (var owned in model.Model.GetEntityTypes().Select(e => e.ClrType).Where(typeof(IAgencyOwned).IsAssignableFrom).ToList())
        {
            keep.MakeGenericMethod(owned).Invoke(this, [model]);
        }

        foreach (var entity in model.Model.GetEntityTypes())
        {
            entity.SetTableName(entity.GetTableName() is { } table && table != "unit_occupancy" ? SnakeCase(table) : entity.GetTableName());
            foreach (var property in entity.GetProperties())
            {
                if (property.GetColumnName() == property.Name)
                {
                    property.SetColumnName(SnakeCase(property.Name));
                }

                var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
                if (type.IsEnum)
                {
                    property.SetProviderClrType(typeof(string));
                }
            }
        }
    }

    private void KeepToAgency<T>(ModelBuilder model)
        where T : class, IAgencyOwned =>
        model.Entity<T>().HasQueryFilter(e => AgencyId == null || EF.Property<Guid>(e, nameof(IAgencyOwned.AgencyId)) == AgencyId);

    /// <summary>PropertyId -> property_id, StaffUsers -> staff_users, CardLast4 -> card_last4.</summary>
    internal static string SnakeCase(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0 && !char.IsUpper(name[i - 1]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}

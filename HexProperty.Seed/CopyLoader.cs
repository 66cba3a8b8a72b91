using System.Diagnostics;
using System.Text.Json;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using HexProperty.Data.Photos;
using HexProperty.Data.Pricing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace HexProperty.Seed;

/// <summary>
/// Writes a data set into hexdb with PostgreSQL binary COPY, table by table in foreign-key order, each booking's
/// quote priced again on the way (so memory stays small), then ANALYZE. Refuses a database that has bookings
/// unless told to replace them. Everything happens in one transaction: a load that fails, or is interrupted,
/// leaves the database exactly as it was, its data and its indexes.
/// </summary>
public sealed class CopyLoader(NpgsqlDataSource dataSource, TextWriter output)
{
    private static readonly JsonSerializerOptions QuoteJson = new(JsonSerializerDefaults.Web);

    private static readonly string[] Tables =
    [
        "alerts", "audit_entries", "image_variants", "images", "photos", "daily_stats", "daily_stats_stale", "property_views", "jobs", "dead_letters", "schedules", "notifications", "outbox_messages", "inbox_messages", "refunds", "payments", "unit_occupancy", "bookings", "guests", "blocks", "rate_rules", "units", "properties", "staff_users", "agencies", "idempotency_requests",
    ];

    /// <summary>
    /// Gives the properties already in hexdb that have no photo the seed's photos (as a fresh seed would give them),
    /// leaving everything else as it is: for a database loaded before properties had photos. Returns how many it added.
    /// </summary>
    public async Task<int> AddPhotosAsync(CancellationToken cancellationToken)
    {
        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var image in SeedPhotos.Pool)
        {
            await PropertyPhotos.StoreImagesAsync(connection, transaction, image.Sha256, image.OriginalBytes, image.Width, image.Height, image.Variants);
        }

        var properties = new List<(Guid Id, Guid Agency, DateTimeOffset Created)>();
        await using (var read = new NpgsqlCommand(
            "select id, agency_id, created_at from properties p where not exists (select 1 from photos where property_id = p.id) order by id", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                properties.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        var pool = SeedPhotos.Pool.ToDictionary(i => i.Sha256);
        var rows = properties.SelectMany((p, index) => SeedPhotos.For(index, 1 + index % 5).Select((sha, position) => (Property: p, Sha: sha, Position: position))).ToList();
        await using (var insert = new NpgsqlCommand("""
            insert into photos (id, agency_id, property_id, position, status, original_bytes, sha256, created_at)
            select gen_random_uuid(), a, p, n, 'Ready', b, s, c from unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[], $5::text[], $6::timestamptz[]) as t(a, p, n, b, s, c)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue(rows.Select(r => r.Property.Agency).ToArray());
            insert.Parameters.AddWithValue(rows.Select(r => r.Property.Id).ToArray());
            insert.Parameters.AddWithValue(rows.Select(r => r.Position).ToArray());
            insert.Parameters.AddWithValue(rows.Select(r => pool[r.Sha].OriginalBytes).ToArray());
            insert.Parameters.AddWithValue(rows.Select(r => r.Sha).ToArray());
            insert.Parameters.AddWithValue(rows.Select(r => r.Property.Created).ToArray());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var list = new NpgsqlCommand(
            "update properties p set photos = array(select sha256 from photos where property_id = p.id and status = 'Ready' order by position, id) where p.id = any($1)",
            connection, transaction))
        {
            list.Parameters.AddWithValue(properties.Select(p => p.Id).ToArray());
            await list.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    public async Task<IReadOnlyDictionary<string, (long Rows, TimeSpan Time)>> LoadAsync(DataSet data, bool replace, CancellationToken cancellationToken)
    {
        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var existing = new NpgsqlCommand("select exists (select 1 from agencies)", connection))
        {
            if ((bool)(await existing.ExecuteScalarAsync(cancellationToken))! && !replace)
            {
                throw new InvalidOperationException("hexdb already holds data. Run with --replace to delete it and load the seed instead.");
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (replace)
        {
            await using var truncate = new NpgsqlCommand($"truncate {string.Join(", ", Tables)} restart identity", connection);
            await truncate.ExecuteNonQueryAsync(cancellationToken);
        }

        // The seed computes the statistics itself once loaded, rather than marking every row it copies stale.
        await using (var quiet = new NpgsqlCommand("alter table bookings disable trigger bookings_daily_stats; alter table blocks disable trigger blocks_daily_stats", connection))
        {
            await quiet.ExecuteNonQueryAsync(cancellationToken);
        }

        var timings = new Dictionary<string, (long, TimeSpan)>();
        var deferred = await DeferIndexesAsync(connection, cancellationToken);
        async Task CopyAsync<T>(string table, string columns, IReadOnlyList<T> rows, Func<NpgsqlBinaryImporter, T, Task> write)
        {
            var progress = new ProgressLine(table, rows.Count, output);
            await using var importer = await connection.BeginBinaryImportAsync($"copy {table} ({columns}) from stdin (format binary)", cancellationToken);
            for (var i = 0; i < rows.Count; i++)
            {
                await importer.StartRowAsync(cancellationToken);
                await write(importer, rows[i]);
                if (i % 4096 == 0)
                {
                    progress.Report(i);
                }
            }

            await importer.CompleteAsync(cancellationToken);
            progress.Done();
            timings[table] = (rows.Count, progress.Elapsed);
        }

        await CopyAsync("agencies", "id, name, created_at", data.Agencies, async (w, a) =>
        {
            await w.WriteAsync(a.Id, NpgsqlDbType.Uuid);
            await w.WriteAsync(a.Name, NpgsqlDbType.Text);
            await w.WriteAsync(a.CreatedAt, NpgsqlDbType.TimestampTz);
        });
        await CopyAsync("staff_users", "id, agency_id, email, display_name, role, password_hash, active, created_at", data.StaffUsers, async (w, u) =>
        {
            await w.WriteAsync(u.Id, NpgsqlDbType.Uuid);
            await w.WriteAsync(u.AgencyId, NpgsqlDbType.Uuid);
            await w.WriteAsync(u.Email, NpgsqlDbType.Text);
            await w.WriteAsync(u.DisplayName, NpgsqlDbType.Text);
            await w.WriteAsync(u.Role.ToString(), NpgsqlDbType.Text);
            await w.WriteAsync(u.PasswordHash, NpgsqlDbType.Text);
            await w.WriteAsync(true, NpgsqlDbType.Boolean);
            await w.WriteAsync(u.CreatedAt, NpgsqlDbType.TimestampTz);
        });
        await CopyAsync("properties",
            "id, agency_id, name, description, type, address_line, city, country, latitude, longitude, amenities, photos, status, cancellation_policy, currency, time_zone, created_at, updated_at",
            data.Properties, async (w, p) =>
            {
                await w.WriteAsync(p.Id, NpgsqlDbType.Uuid);
                await w.WriteAsync(p.AgencyId, NpgsqlDbType.Uuid);
                await w.WriteAsync(p.Name, NpgsqlDbType.Text);
                await w.WriteAsync(p.Description, NpgsqlDbType.Text);
                await w.WriteAsync(p.Type.ToString(), NpgsqlDbType.Text);
                await w.WriteAsync(p.AddressLine, NpgsqlDbType.Text);
                await w.WriteAsync(p.City, NpgsqlDbType.Text);
                await w.WriteAsync(p.Country, NpgsqlDbType.Char);
                await w.WriteAsync(p.Latitude, NpgsqlDbType.Numeric);
                await w.WriteAsync(p.Longitude, NpgsqlDbType.Numeric);
                await w.WriteAsync(p.Amenities.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                await w.WriteAsync(p.Photos.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                await w.WriteAsync(p.Status.ToString(), NpgsqlDbType.Text);
                await w.WriteAsync(p.CancellationPolicy.ToString(), NpgsqlDbType.Text);
                await w.WriteAsync(p.Currency, NpgsqlDbType.Char);
                await w.WriteAsync(p.TimeZone, NpgsqlDbType.Text);
                await w.WriteAsync(p.CreatedAt, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(p.UpdatedAt, NpgsqlDbType.TimestampTz);
            });
        // The photos: the pool's images once, by hash, and each property's ready photos in its order.
        foreach (var image in SeedPhotos.Pool)
        {
            await PropertyPhotos.StoreImagesAsync(connection, null, image.Sha256, image.OriginalBytes, image.Width, image.Height, image.Variants);
        }

        var pool = SeedPhotos.Pool.ToDictionary(i => i.Sha256);
        await CopyAsync("photos", "id, agency_id, property_id, position, status, original_bytes, sha256, created_at",
            [.. data.Properties.SelectMany(p => p.Photos.Select((sha, position) => (Property: p, Sha: sha, Position: position)))], async (w, photo) =>
            {
                await w.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await w.WriteAsync(photo.Property.AgencyId, NpgsqlDbType.Uuid);
                await w.WriteAsync(photo.Property.Id, NpgsqlDbType.Uuid);
                await w.WriteAsync(photo.Position, NpgsqlDbType.Integer);
                await w.WriteAsync(nameof(PhotoStatus.Ready), NpgsqlDbType.Text);
                await w.WriteAsync(pool[photo.Sha].OriginalBytes, NpgsqlDbType.Integer);
                await w.WriteAsync(photo.Sha, NpgsqlDbType.Text);
                await w.WriteAsync(photo.Property.CreatedAt, NpgsqlDbType.TimestampTz);
            });
        await CopyAsync("units",
            "id, property_id, agency_id, name, capacity, bedrooms, base_nightly_rate, cleaning_fee, min_nights, max_nights, active, created_at, updated_at",
            data.Units, async (w, u) =>
            {
                await w.WriteAsync(u.Id, NpgsqlDbType.Uuid);
                await w.WriteAsync(u.PropertyId, NpgsqlDbType.Uuid);
                await w.WriteAsync(u.AgencyId, NpgsqlDbType.Uuid);
                await w.WriteAsync(u.Name, NpgsqlDbType.Text);
                await w.WriteAsync(u.Capacity, NpgsqlDbType.Integer);
                await w.WriteAsync(u.Bedrooms, NpgsqlDbType.Integer);
                await w.WriteAsync(u.BaseNightlyRate, NpgsqlDbType.Numeric);
                await w.WriteAsync(u.CleaningFee, NpgsqlDbType.Numeric);
                await w.WriteAsync(u.MinNights, NpgsqlDbType.Integer);
                await w.WriteAsync(u.MaxNights, NpgsqlDbType.Integer);
                await w.WriteAsync(true, NpgsqlDbType.Boolean);
                await w.WriteAsync(u.CreatedAt, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(u.UpdatedAt, NpgsqlDbType.TimestampTz);
            });
        await CopyAsync("rate_rules",
            "id, unit_id, agency_id, kind, name, start_date, end_date, nightly_price, percent, min_nights, amount_per_guest_night, priority, active, created_at",
            data.RateRules, async (w, r) =>
            {
                await w.WriteAsync(r.Id, NpgsqlDbType.Uuid);
                await w.WriteAsync(r.UnitId, NpgsqlDbType.Uuid);
                await w.WriteAsync(r.AgencyId, NpgsqlDbType.Uuid);
                await w.WriteAsync(r.Kind.ToString(), NpgsqlDbType.Text);
                await w.WriteAsync(r.Name, NpgsqlDbType.Text);
                await WriteNullableAsync(w, r.StartDate, NpgsqlDbType.Date);
                await WriteNullableAsync(w, r.EndDate, NpgsqlDbType.Date);
                await WriteNullableAsync(w, r.NightlyPrice, NpgsqlDbType.Numeric);
                await WriteNullableAsync(w, r.Percent, NpgsqlDbType.Numeric);
                await WriteNullableAsync(w, r.MinNights, NpgsqlDbType.Integer);
                await WriteNullableAsync(w, r.AmountPerGuestNight, NpgsqlDbType.Numeric);
                await w.WriteAsync(r.Priority, NpgsqlDbType.Integer);
                await w.WriteAsync(true, NpgsqlDbType.Boolean);
                await w.WriteAsync(r.CreatedAt, NpgsqlDbType.TimestampTz);
            });
        await CopyAsync("guests", "id, email, full_name, phone, created_at", data.Guests, async (w, g) =>
        {
            await w.WriteAsync(g.Id, NpgsqlDbType.Uuid);
            await w.WriteAsync(g.Email, NpgsqlDbType.Text);
            await w.WriteAsync(g.FullName, NpgsqlDbType.Text);
            await WriteNullableAsync(w, g.Phone, NpgsqlDbType.Text);
            await w.WriteAsync(g.CreatedAt, NpgsqlDbType.TimestampTz);
        });

        var propertyOf = data.Properties.ToDictionary(p => p.Id);
        await CopyAsync("bookings",
            "id, reference, agency_id, property_id, unit_id, guest_id, check_in, check_out, guests, status, quote, total, currency, source, created_at, confirmed_at, checked_in_at, completed_at, cancelled_at",
            data.Bookings, async (w, b) =>
            {
                var unit = data.Units[b.Unit];
                var quote = StayPricer.Quote(data.Rates[b.Unit], b.CheckIn, b.CheckOut, b.Guests).Quote!;
                await w.WriteAsync(b.Id, NpgsqlDbType.Uuid);
                await w.WriteAsync(SeededIds.Reference(b.Index), NpgsqlDbType.Char);
                await w.WriteAsync(unit.AgencyId, NpgsqlDbType.Uuid);
                await w.WriteAsync(unit.PropertyId, NpgsqlDbType.Uuid);
                await w.WriteAsync(unit.Id, NpgsqlDbType.Uuid);
                await w.WriteAsync(data.Guests[b.Guest].Id, NpgsqlDbType.Uuid);
                await w.WriteAsync(b.CheckIn, NpgsqlDbType.Date);
                await w.WriteAsync(b.CheckOut, NpgsqlDbType.Date);
                await w.WriteAsync((int)b.Guests, NpgsqlDbType.Integer);
                await w.WriteAsync(b.Status.ToString(), NpgsqlDbType.Text);
                await w.WriteAsync(JsonSerializer.Serialize(quote, QuoteJson), NpgsqlDbType.Jsonb);
                await w.WriteAsync(b.Total, NpgsqlDbType.Numeric);
                await w.WriteAsync(quote.Currency, NpgsqlDbType.Char);
                await w.WriteAsync(b.Index % 10 == 0 ? "Staff" : "Web", NpgsqlDbType.Text);
                await w.WriteAsync(b.CreatedAt, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(b.CreatedAt.AddMinutes(3), NpgsqlDbType.TimestampTz);
                await WriteNullableAsync<DateTimeOffset?>(w, b.Status is BookingStatus.CheckedIn or BookingStatus.Completed ? At(b.CheckIn, 15) : null, NpgsqlDbType.TimestampTz);
                await WriteNullableAsync<DateTimeOffset?>(w, b.Status is BookingStatus.Completed ? At(b.CheckOut, 11) : null, NpgsqlDbType.TimestampTz);
                await WriteNullableAsync(w, b.CancelledAt, NpgsqlDbType.TimestampTz);
            });
        var active = data.Bookings.Where(b => b.Status != BookingStatus.Cancelled).ToList();
        await CopyAsync("unit_occupancy", "unit_id, booking_id, check_in, check_out", active, async (w, b) =>
        {
            await w.WriteAsync(data.Units[b.Unit].Id, NpgsqlDbType.Uuid);
            await w.WriteAsync(b.Id, NpgsqlDbType.Uuid);
            await w.WriteAsync(b.CheckIn, NpgsqlDbType.Date);
            await w.WriteAsync(b.CheckOut, NpgsqlDbType.Date);
        });
        await CopyAsync("payments",
            "id, agency_id, booking_id, amount, currency, method, status, provider_reference, card_last4, idempotency_key, created_at",
            data.Bookings, async (w, b) =>
            {
                var unit = data.Units[b.Unit];
                var status = b.Status != BookingStatus.Cancelled || b.RefundPercent == 0 ? PaymentStatus.Succeeded
                    : b.RefundPercent == 100 ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded;
                await w.WriteAsync(PaymentId(b), NpgsqlDbType.Uuid);
                await w.WriteAsync(unit.AgencyId, NpgsqlDbType.Uuid);
                await w.WriteAsync(b.Id, NpgsqlDbType.Uuid);
                await w.WriteAsync(b.Total, NpgsqlDbType.Numeric);
                await w.WriteAsync(propertyOf[unit.PropertyId].Currency, NpgsqlDbType.Char);
                await w.WriteAsync(b.Method.ToString(), NpgsqlDbType.Text);
                await w.WriteAsync(status.ToString(), NpgsqlDbType.Text);
                await WriteNullableAsync(w, b.Method == PaymentMethod.Card ? $"ch_seed_{b.Index:x8}" : null, NpgsqlDbType.Text);
                await WriteNullableAsync(w, b.Method == PaymentMethod.Card ? (1000 + b.Index % 9000).ToString(System.Globalization.CultureInfo.InvariantCulture) : null, NpgsqlDbType.Char);
                await w.WriteAsync($"seed-{b.Id:N}", NpgsqlDbType.Text);
                await w.WriteAsync(b.CreatedAt.AddMinutes(3), NpgsqlDbType.TimestampTz);
            });
        var cancelled = data.Bookings.Where(b => b.Status == BookingStatus.Cancelled).ToList();
        await CopyAsync("refunds", "id, agency_id, booking_id, payment_id, amount, currency, percent, reason, created_at", cancelled, async (w, b) =>
        {
            var unit = data.Units[b.Unit];
            await w.WriteAsync(RefundId(b), NpgsqlDbType.Uuid);
            await w.WriteAsync(unit.AgencyId, NpgsqlDbType.Uuid);
            await w.WriteAsync(b.Id, NpgsqlDbType.Uuid);
            await w.WriteAsync(PaymentId(b), NpgsqlDbType.Uuid);
            await w.WriteAsync(RefundPolicy.Amount(b.Total, b.RefundPercent), NpgsqlDbType.Numeric);
            await w.WriteAsync(propertyOf[unit.PropertyId].Currency, NpgsqlDbType.Char);
            await w.WriteAsync((int)b.RefundPercent, NpgsqlDbType.Integer);
            await w.WriteAsync("cancelled by the guest", NpgsqlDbType.Text);
            await w.WriteAsync(b.CancelledAt!.Value, NpgsqlDbType.TimestampTz);
        });

        await RebuildIndexesAsync(connection, deferred, timings, cancellationToken);
        await using (var loud = new NpgsqlCommand("""
            alter table bookings enable trigger bookings_daily_stats; alter table blocks enable trigger blocks_daily_stats;
            update staff_users set operator = true where email = 'owner@agency-001.hexproperty.test'
            """, connection))
        {
            await loud.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        await ComputeDailyStatsAsync(connection, timings, cancellationToken);
        var analyze = Stopwatch.StartNew();
        output.WriteLine("  analyze");
        await using (var command = new NpgsqlCommand("analyze", connection) { CommandTimeout = 0 })
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        timings["analyze"] = (0, analyze.Elapsed);
        return timings;
    }

    /// <summary>The daily statistics of every property over the seeded stays, 200 properties per transaction.</summary>
    private async Task ComputeDailyStatsAsync(NpgsqlConnection connection, Dictionary<string, (long, TimeSpan)> timings, CancellationToken cancellationToken)
    {
        var properties = new List<Guid>();
        DateOnly from, to;
        await using (var span = new NpgsqlCommand("select coalesce(min(check_in), current_date), coalesce(max(check_out), current_date + 1) from bookings", connection))
        await using (var reader = await span.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (from, to) = (reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1));
        }

        await using (var list = new NpgsqlCommand("select id from properties order by id", connection))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                properties.Add(reader.GetGuid(0));
            }
        }

        var progress = new ProgressLine("daily_stats", properties.Count, output);
        long rows = 0, done = 0;
        foreach (var batch in properties.Chunk(200))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            rows += await DailyStats.RecomputeAsync(connection, transaction, batch, from, to, DateTimeOffset.UtcNow, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            progress.Report(done += batch.Length);
        }

        progress.Done();
        timings["daily_stats"] = (rows, progress.Elapsed);
    }

    /// <summary>
    /// Drops the big tables' secondary indexes before loading: building an index once over a million rows is far
    /// cheaper than updating it a million times. Primary keys and constraints (the exclusion constraint among them)
    /// stay, so the load is still checked row by row. Returns the definitions, exactly as the migrations made them.
    /// </summary>
    private static async Task<List<(string Name, string Definition)>> DeferIndexesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var indexes = new List<(string, string)>();
        await using (var read = new NpgsqlCommand("""
            select i.indexname, i.indexdef from pg_indexes i
            where i.schemaname = 'public' and i.tablename = any($1)
              and not exists (select 1 from pg_constraint c where c.conname = i.indexname)
            """, connection))
        {
            read.Parameters.AddWithValue(new[] { "bookings", "unit_occupancy", "payments", "refunds", "guests" });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (name, _) in indexes)
        {
            await using var drop = new NpgsqlCommand($"drop index {name}", connection);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }

        return indexes;
    }

    private async Task RebuildIndexesAsync(
        NpgsqlConnection connection, List<(string Name, string Definition)> indexes, Dictionary<string, (long, TimeSpan)> timings, CancellationToken cancellationToken)
    {
        var progress = new ProgressLine("indexes", indexes.Count, output);
        await using (var memory = new NpgsqlCommand("set maintenance_work_mem = '256MB'", connection))
        {
            await memory.ExecuteNonQueryAsync(cancellationToken);
        }

        for (var i = 0; i < indexes.Count; i++)
        {
            progress.Report(i);
            await using var create = new NpgsqlCommand(indexes[i].Definition, connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        progress.Done();
        timings["indexes"] = (0, progress.Elapsed);
    }

    private static DateTimeOffset At(DateOnly date, int hour) => new(date.ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero);

    /// <summary>Derived from the booking id, so a payment's id is as reproducible as its booking's.</summary>
    private static Guid PaymentId(SeedBooking booking) => Derived(booking.Id, 0x01);

    private static Guid RefundId(SeedBooking booking) => Derived(booking.Id, 0x02);

    private static Guid Derived(Guid id, byte salt)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        bytes[15] ^= salt;
        bytes[14] ^= 0x5A;
        return new Guid(bytes);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type) =>
        value is null ? writer.WriteNullAsync() : writer.WriteAsync(value, type);
}

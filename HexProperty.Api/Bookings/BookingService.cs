using HexProperty.Api.Contracts;
using HexProperty.Api.Infrastructure;
using HexProperty.Caching;
using HexProperty.Data.Caching;
using HexProperty.Data.Messaging;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using HexProperty.Data.Pricing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HexProperty.Api.Bookings;

/// <summary>
/// Holds, confirmations and cancellations. The database is the judge of availability: a hold inserts the unit's
/// nights into unit_occupancy, whose exclusion constraint refuses any overlap, and a refusal becomes a 409 that
/// names the stays in the way. Lapsed holds overlapping a new one are expired in the same transaction, so a late
/// sweeper never blocks a guest.
/// </summary>
public sealed class BookingService(
    HexDbContext db, Occupancy occupancy, PropertyClock clock, IPaymentGateway payments, BookingReferences references,
    HybridCache cache, IOptions<BookingOptions> options, ILogger<BookingService> logger)
{
    public async Task<Outcome<BookingView>> HoldAsync(HoldRequest request, BookingSource source, Guid? staffAgency, CancellationToken cancellationToken)
    {
        var unit = await db.Units.AsNoTracking().Include(u => u.Property).Include(u => u.RateRules.Where(r => r.Active))
            .FirstOrDefaultAsync(u => u.Id == request.UnitId && u.Active && u.Property!.Status == PropertyStatus.Active, cancellationToken);
        if (staffAgency is { } agency && unit?.AgencyId != agency)
        {
            return Problems.NotFound("bookable unit with this id in your agency");
        }

        if (unit is null)
        {
            return Problems.Invalid("unitId", "there is no bookable unit with this id");
        }

        var property = unit.Property!;
        var today = clock.Today(property.TimeZone);
        if (request.CheckIn < today)
        {
            return Problems.Invalid("checkIn", $"is in the past (today is {today:yyyy-MM-dd} at the property)");
        }

        if (request.CheckIn.DayNumber - today.DayNumber > Limits.MaxDaysAhead)
        {
            return Problems.Invalid("checkIn", $"is more than {Limits.MaxDaysAhead} days ahead");
        }

        var priced = StayPricer.Quote(UnitRatesLoader.From(unit, property.Currency, unit.RateRules), request.CheckIn, request.CheckOut, request.Guests);
        if (priced.Rejection is { } rejection)
        {
            return Problems.Invalid(rejection.Field, rejection.Reason);
        }

        var quote = priced.Quote!;
        if (request.ExpectedTotal is { } expected && expected != quote.Total)
        {
            return Problems.Conflict("price-changed", "The price changed",
                $"The stay now costs {quote.Total} {quote.Currency}, not {expected}. Ask for a new quote.",
                new Dictionary<string, object?> { ["quote"] = quote });
        }

        var now = clock.Now;
        var email = request.Guest.Email.Trim().ToLowerInvariant();

        var booking = new Booking
        {
            Id = Guid.CreateVersion7(),
            Reference = references.New(),
            AgencyId = unit.AgencyId,
            PropertyId = unit.PropertyId,
            UnitId = unit.Id,
            CheckIn = request.CheckIn,
            CheckOut = request.CheckOut,
            Guests = request.Guests,
            Status = BookingStatus.Held,
            HoldExpiresAt = now + options.Value.HoldDuration,
            Quote = quote,
            Total = quote.Total,
            Currency = quote.Currency,
            Source = source,
            CreatedAt = now,
        };

        await occupancy.ExpireLapsedHoldsAsync(unit.Id, request.CheckIn, request.CheckOut, now, cancellationToken);
        var strategy = db.Database.CreateExecutionStrategy();
        var outcome = await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await Occupancy.LockUnitAsync(db, unit.Id, cancellationToken);
            // Counted under the guest's lock, so parallel holds by one guest take turns and the limit holds.
            await TransactionLock.AcquireAsync(db, "guest-holds", email, cancellationToken);
            if (await LiveHoldsAsync(email, now, cancellationToken) >= options.Value.MaxLiveHoldsPerGuest)
            {
                await transaction.RollbackAsync(cancellationToken);
                return HoldOutcome.TooManyHolds;
            }

            booking.GuestId = await UpsertGuestAsync(email, request.Guest, now, cancellationToken);
            db.Bookings.Add(booking);
            db.UnitOccupancy.Add(new UnitOccupancy
            {
                UnitId = unit.Id,
                BookingId = booking.Id,
                CheckIn = request.CheckIn,
                CheckOut = request.CheckOut,
                ExpiresAt = booking.HoldExpiresAt,
            });
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    break;
                }
                catch (DbUpdateException e) when (Occupancy.IsOverlap(e))
                {
                    await transaction.RollbackAsync(cancellationToken);
                    return HoldOutcome.DatesTaken;
                }
                catch (DbUpdateException e) when (attempt < 3 && e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "bookings_reference" })
                {
                    // 40 random bits make a clash rare, not impossible: draw another reference.
                    booking.Reference = references.New();
                }
            }

            // After the reference is final; in the same transaction, so the event exists exactly when the hold does.
            Outbox.Add(db, new BookingHeld(Outbox.Facts(booking), booking.HoldExpiresAt!.Value) { OccurredAt = now });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return HoldOutcome.Held;
        });

        if (outcome == HoldOutcome.TooManyHolds)
        {
            return Problems.Conflict("too-many-holds", "Too many holds",
                $"{email} already holds {options.Value.MaxLiveHoldsPerGuest} stays. Pay for one, or let one expire, before holding another.");
        }

        if (outcome == HoldOutcome.DatesTaken)
        {
            var taken = await occupancy.OverlappingAsync(unit.Id, request.CheckIn, request.CheckOut, clock.Now, cancellationToken);
            return Problems.Conflict("dates-unavailable", "The dates are not available", Occupancy.Describe(taken), Occupancy.ConflictExtensions(taken));
        }

        await cache.InvalidateAfterWriteAsync(CacheTags.OccupancyChanged(property.Id, property.City, property.Country, booking.CheckIn, booking.CheckOut));
        logger.LogInformation("Booking {Reference} holds unit {Unit} {CheckIn}..{CheckOut} until {Expiry}", booking.Reference, unit.Id, booking.CheckIn, booking.CheckOut, booking.HoldExpiresAt);
        var guest = await db.Guests.AsNoTracking().SingleAsync(g => g.Id == booking.GuestId, cancellationToken);
        return BookingView.From(booking, guest, null, null);
    }

    /// <summary>Charges the guest's card for a held booking and confirms it.</summary>
    public Task<Outcome<BookingView>> PayByCardAsync(string reference, CardPaymentRequest request, string idempotencyKey, CancellationToken cancellationToken) =>
        ConfirmAsync(
            db.Bookings.Where(b => b.Reference == reference && b.Guest!.Email == request.Email.Trim().ToLowerInvariant()),
            request.Amount, request.Currency, PaymentMethod.Card, idempotencyKey,
            async booking =>
            {
                var charge = await payments.ChargeAsync(request.Amount, request.Currency, request.Card, idempotencyKey, cancellationToken);
                return charge.Approved ? (charge.ProviderReference, request.Card.Number[^4..]) : throw new PaymentDeclinedException(charge.DeclineReason!);
            },
            cancellationToken);

    /// <summary>Records a payment staff took outside the Api (cash, bank transfer, a card terminal) and confirms the booking.</summary>
    public Task<Outcome<BookingView>> RecordPaymentAsync(Guid agencyId, Guid bookingId, RecordedPaymentRequest request, string idempotencyKey, CancellationToken cancellationToken) =>
        ConfirmAsync(
            db.Bookings.Where(b => b.Id == bookingId && b.AgencyId == agencyId),
            request.Amount, request.Currency, request.Method, idempotencyKey,
            _ => Task.FromResult<(string?, string?)>((null, null)),
            cancellationToken);

    private async Task<Outcome<BookingView>> ConfirmAsync(
        IQueryable<Booking> find, decimal amount, string currency, PaymentMethod method, string idempotencyKey,
        Func<Booking, Task<(string? ProviderReference, string? CardLast4)>> charge, CancellationToken cancellationToken)
    {
        var id = await find.Select(b => (Guid?)b.Id).FirstOrDefaultAsync(cancellationToken);
        if (id is null)
        {
            return Problems.NotFound("booking with this reference for this email");
        }

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Locks the booking: a second payment for it waits here, then finds it confirmed.
            await LockAsync(id.Value, cancellationToken);
            var booking = await db.Bookings.Include(b => b.Guest).SingleAsync(b => b.Id == id.Value, cancellationToken);
            var now = clock.Now;
            if (booking.Status != BookingStatus.Held || booking.IsLapsed(now))
            {
                return (Outcome<BookingView>)Problems.Conflict(
                    booking.IsLapsed(now) || booking.Status == BookingStatus.Expired ? "hold-expired" : "not-held",
                    "The booking cannot be paid",
                    booking.IsLapsed(now) || booking.Status == BookingStatus.Expired
                        ? "The hold expired before payment; its nights may have gone to someone else. Start a new booking."
                        : $"Booking {booking.Reference} is {booking.Status}, not waiting for payment.");
            }

            if (amount != booking.Total || currency != booking.Currency)
            {
                return Problems.Invalid("amount", $"must be the quoted total, {booking.Total} {booking.Currency}");
            }

            // The nights stay ours only if the hold's row is still there; make it permanent.
            var kept = await db.UnitOccupancy.Where(o => o.BookingId == booking.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.ExpiresAt, (DateTimeOffset?)null), cancellationToken);
            if (kept != 1)
            {
                return Problems.Conflict("hold-expired", "The booking cannot be paid", "The hold's nights were released. Start a new booking.");
            }

            // Under the key's lock: two callers paying two bookings with one key take turns, and the second is told, before any charge.
            await TransactionLock.AcquireAsync(db, "payment-key", $"{booking.AgencyId}:{idempotencyKey}", cancellationToken);
            if (await db.Payments.AnyAsync(p => p.AgencyId == booking.AgencyId && p.IdempotencyKey == idempotencyKey, cancellationToken))
            {
                return TypedResults.Problem(
                    detail: "This Idempotency-Key already paid another booking of the agency. Use a new key for a new payment.",
                    statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused", type: Problems.TypeBase + "idempotency-key-reused");
            }

            (string? ProviderReference, string? CardLast4) charged;
            try
            {
                charged = await charge(booking);
            }
            catch (PaymentDeclinedException declined)
            {
                return TypedResults.Problem(detail: declined.Message, statusCode: StatusCodes.Status402PaymentRequired, title: "Payment declined", type: Problems.TypeBase + "payment-declined");
            }

            var payment = new Payment
            {
                Id = Guid.CreateVersion7(),
                AgencyId = booking.AgencyId,
                BookingId = booking.Id,
                Amount = amount,
                Currency = currency,
                Method = method,
                Status = PaymentStatus.Succeeded,
                ProviderReference = charged.ProviderReference,
                CardLast4 = charged.CardLast4,
                IdempotencyKey = idempotencyKey,
                CreatedAt = now,
            };
            booking.Confirm(now);
            db.Payments.Add(payment);
            Outbox.Add(db, new BookingConfirmed(Outbox.Facts(booking), payment.Id, payment.Amount, payment.Method.ToString()) { OccurredAt = now });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("Booking {Reference} confirmed with payment {Payment} of {Amount} {Currency}", booking.Reference, payment.Id, amount, currency);
            return BookingView.From(booking, booking.Guest!, payment, null);
        });
    }

    /// <summary>Cancels a confirmed booking, frees its nights and refunds what the property's policy allows.</summary>
    public async Task<Outcome<BookingView>> CancelAsync(IQueryable<Booking> find, string reason, CancellationToken cancellationToken)
    {
        var id = await find.Select(b => (Guid?)b.Id).FirstOrDefaultAsync(cancellationToken);
        if (id is null)
        {
            return Problems.NotFound("booking with this reference for this email");
        }

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await LockAsync(id.Value, cancellationToken);
            var booking = await db.Bookings.Include(b => b.Guest).Include(b => b.Property).SingleAsync(b => b.Id == id.Value, cancellationToken);
            if (booking.Status != BookingStatus.Confirmed)
            {
                return (Outcome<BookingView>)Problems.Conflict(booking.Status == BookingStatus.Cancelled ? "already-cancelled" : "not-cancellable",
                    "The booking cannot be cancelled", $"Booking {booking.Reference} is {booking.Status}; only a confirmed booking can be cancelled.");
            }

            var now = clock.Now;
            var percent = RefundPolicy.Percent(booking.Property!.CancellationPolicy, clock.Today(booking.Property.TimeZone), booking.CheckIn);
            var payment = await db.Payments.Where(p => p.BookingId == booking.Id && p.Status == PaymentStatus.Succeeded).OrderBy(p => p.CreatedAt).FirstAsync(cancellationToken);
            var refund = new Refund
            {
                Id = Guid.CreateVersion7(),
                AgencyId = booking.AgencyId,
                BookingId = booking.Id,
                PaymentId = payment.Id,
                Amount = RefundPolicy.Amount(payment.Amount, percent),
                Currency = payment.Currency,
                Percent = percent,
                Reason = reason,
                CreatedAt = now,
            };
            payment.Status = percent == 100 ? PaymentStatus.Refunded : percent > 0 ? PaymentStatus.PartiallyRefunded : PaymentStatus.Succeeded;
            booking.Cancel(now);
            db.Refunds.Add(refund);
            await db.UnitOccupancy.Where(o => o.BookingId == booking.Id).ExecuteDeleteAsync(cancellationToken);
            Outbox.Add(db, new BookingCancelled(Outbox.Facts(booking), refund.Id, refund.Amount, percent) { OccurredAt = now });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await cache.InvalidateAfterWriteAsync(CacheTags.OccupancyChanged(booking.PropertyId, booking.Property.City, booking.Property.Country, booking.CheckIn, booking.CheckOut));
            logger.LogInformation("Booking {Reference} cancelled; refund {Amount} {Currency} ({Percent} %, {Policy})",
                booking.Reference, refund.Amount, refund.Currency, percent, booking.Property.CancellationPolicy);
            return BookingView.From(booking, booking.Guest!, payment, refund);
        });
    }

    private async Task<int> LiveHoldsAsync(string email, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Bookings.CountAsync(b => b.Guest!.Email == email && b.Status == BookingStatus.Held && b.HoldExpiresAt > now, cancellationToken);

    private async Task<Guid> UpsertGuestAsync(string email, GuestDetails guest, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await db.Database.SqlQuery<Guid>($"""
            insert into guests (id, email, full_name, phone, created_at) values ({Guid.CreateVersion7()}, {email}, {guest.FullName.Trim()}, {guest.Phone}, {now})
            on conflict (email) do update set full_name = excluded.full_name, phone = coalesce(excluded.phone, guests.phone)
            returning id as "Value"
            """).ToListAsync(cancellationToken)).Single();

    /// <summary>Locks the booking's row until the transaction ends, so concurrent payments or cancellations of it take turns.</summary>
    private async Task LockAsync(Guid bookingId, CancellationToken cancellationToken) =>
        await db.Database.SqlQuery<Guid>($"select id as \"Value\" from bookings where id = {bookingId} for update").ToListAsync(cancellationToken);

    private enum HoldOutcome
    {
        Held,
        DatesTaken,
        TooManyHolds,
    }

    private sealed class PaymentDeclinedException(string reason) : Exception(reason);
}

using HexProperty.Api.Contracts;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace HexProperty.Api.Bookings;

/// <summary>
/// Reads a booking with its guest, payment and refund, as guests and staff see it. A hold past its expiry reads as
/// Expired even before the sweeper has marked it.
/// </summary>
public static class BookingViews
{
    public static async Task<BookingView?> FindAsync(HexDbContext db, IQueryable<Booking> query, TimeProvider time, CancellationToken cancellationToken)
    {
        var booking = await query.AsNoTracking().Include(b => b.Guest).FirstOrDefaultAsync(cancellationToken);
        if (booking is null)
        {
            return null;
        }

        if (booking.IsLapsed(time.GetUtcNow()))
        {
            booking.Expire(time.GetUtcNow());
        }

        var payment = await db.Payments.AsNoTracking().Where(p => p.BookingId == booking.Id).OrderByDescending(p => p.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        var refund = await db.Refunds.AsNoTracking().FirstOrDefaultAsync(r => r.BookingId == booking.Id, cancellationToken);
        return BookingView.From(booking, booking.Guest!, payment, refund);
    }
}

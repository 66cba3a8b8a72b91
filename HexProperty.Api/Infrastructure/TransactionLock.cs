using Microsoft.EntityFrameworkCore;

namespace HexProperty.Api.Infrastructure;

/// <summary>
/// Makes transactions about the same thing take turns until each commits or rolls back: a PostgreSQL advisory lock
/// on "scope:key", held for the current transaction. A per-caller limit ("at most N live holds per guest") is only a
/// limit if the count and the insert it guards happen under such a lock; otherwise ten parallel requests all count
/// the same N-1. Take locks in one order (a unit before a guest) so two transactions never wait on each other.
/// </summary>
public static class TransactionLock
{
    public static async Task AcquireAsync(DbContext db, string scope, string key, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A transaction lock needs a transaction: it is released when the transaction ends.");
        }

        await db.Database.ExecuteSqlAsync($"select pg_advisory_xact_lock(hashtextextended({scope + ":" + key}, 0))", cancellationToken);
    }
}

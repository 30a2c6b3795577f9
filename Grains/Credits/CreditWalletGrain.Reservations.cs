using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Credits;

/// <summary>Reservations: credits held for a job, then settled (spending at most what is held) or released, or released when their TTL
/// has passed.</summary>
public sealed partial class CreditWalletGrain
{
    public async Task<WalletResult> Hold(CreditHoldRequest request, AuditActor actor)
    {
        var ids = await IdsAsync();
        return await DecideAsync(request.IdempotencyKey, request.Fingerprint, IdempotencyRetention, now =>
        {
            if (request.Credits > Book.Free) return new WalletResult(WalletOutcome.Insufficient, Book.Totals);
            var expiresAt = now + request.Ttl;
            var hold = Book.AddHold(ids.Reservation(TenantId, now, expiresAt, request.Credits), request.Tool, request.Units,
                request.Credits, expiresAt);
            Ledger(Entry(CreditLedger.Hold, now, 0, request.Credits, actor) with
            { ReservationId = hold.Id, Tool = request.Tool, IdempotencyKey = request.IdempotencyKey });
            return new WalletResult(WalletOutcome.Done, Book.Totals, request.Credits, hold.Id, expiresAt);
        });
    }

    public async Task<WalletResult> Settle(string reservationId, long units, string? idempotencyKey, AuditActor actor)
    {
        var ids = await IdsAsync();
        return await DecideAsync(idempotencyKey, $"settle\n{reservationId}\n{units}", IdempotencyRetention, now =>
        {
            if (Ended(reservationId, ids) is { } ended) return ended;
            var hold = Book.Hold(reservationId)!;
            var spent = hold.CreditsFor(units);
            var (taken, left) = Book.EndHold(hold, spent, now);
            string? spendId = null;
            if (spent > 0)
            {
                spendId = ids.Spend(TenantId, now, Math.Min(units, hold.Units), spent);
                KeepSpend(spendId, new WalletEntry(now, now + IdempotencyRetention, Shares: taken), now);
            }
            Ledger(Entry(CreditLedger.Settle, now, -left, -hold.Credits, actor) with
            { ReservationId = hold.Id, SpendId = spendId, Tool = hold.Tool, IdempotencyKey = idempotencyKey });
            return new WalletResult(WalletOutcome.Done, Book.Totals, spent, spendId, Released: hold.Credits - left);
        });
    }

    public async Task<WalletResult> Release(string reservationId, string? idempotencyKey, AuditActor actor)
    {
        var ids = await IdsAsync();
        return await DecideAsync(idempotencyKey, $"release\n{reservationId}", IdempotencyRetention, now =>
        {
            if (Ended(reservationId, ids) is { } ended) return ended;
            var hold = Book.Hold(reservationId)!;
            var (_, left) = Book.EndHold(hold, 0, now);
            Ledger(Entry(CreditLedger.Release, now, -left, -hold.Credits, actor) with
            { ReservationId = hold.Id, Tool = hold.Tool, IdempotencyKey = idempotencyKey, Reason = "released" });
            return new WalletResult(WalletOutcome.Done, Book.Totals, hold.Credits - left, hold.Id);
        });
    }

    /// <summary>The answer for a reservation that is not live: ended if this wallet made it, unknown otherwise.</summary>
    private WalletResult? Ended(string reservationId, CreditIds ids) =>
        Book.Hold(reservationId) is not null ? null
        : new WalletResult(ids.IsReservation(TenantId, reservationId) ? WalletOutcome.ReservationEnded : WalletOutcome.UnknownReservation,
            Book.Totals);
}

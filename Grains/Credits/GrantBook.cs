using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Credits;

/// <summary>
/// A wallet's grants and holds in memory, ordered so that no decision scans them: spends take from the
/// first grant in spend order (highest priority, then soonest expiry, never last, then oldest), and
/// what ends next (a grant's expiry, a hold's end) is the first in its own order. Every change costs
/// O(log n) per grant it touches, so a wallet of 1,000 live grants decides as fast as one of one.
/// Balance = <see cref="Free"/> + <see cref="Held"/>. Callers check before they change: a take never
/// asks for more than is free.
/// </summary>
public sealed class GrantBook
{
    private static readonly Comparer<CreditLot> s_spendOrder = Comparer<CreditLot>.Create((a, b) =>
        b.Priority != a.Priority ? b.Priority.CompareTo(a.Priority)
        : a.ExpiresAt != b.ExpiresAt ? (a.ExpiresAt ?? DateTimeOffset.MaxValue).CompareTo(b.ExpiresAt ?? DateTimeOffset.MaxValue)
        : a.Number.CompareTo(b.Number));
    private static readonly Comparer<CreditLot> s_expiryOrder = Comparer<CreditLot>.Create((a, b) =>
        a.ExpiresAt != b.ExpiresAt ? a.ExpiresAt!.Value.CompareTo(b.ExpiresAt!.Value) : a.Number.CompareTo(b.Number));
    private static readonly Comparer<CreditHold> s_endOrder = Comparer<CreditHold>.Create((a, b) =>
        a.ExpiresAt != b.ExpiresAt ? a.ExpiresAt.CompareTo(b.ExpiresAt) : string.CompareOrdinal(a.Id, b.Id));

    private readonly SortedSet<CreditLot> _spendOrder = new(s_spendOrder);
    private readonly SortedSet<CreditLot> _expiring = new(s_expiryOrder);
    private readonly Dictionary<long, CreditLot> _lots = [];
    private readonly SortedSet<CreditHold> _holdsByEnd = new(s_endOrder);
    private readonly Dictionary<string, CreditHold> _holds = new(StringComparer.Ordinal);

    public GrantBook(CreditWalletState state)
    {
        LastGrant = state.LastGrant;
        foreach (var lot in state.Grants) Put(lot.Copy());
        foreach (var hold in state.Holds) AddHold(hold);
    }

    public long LastGrant { get; private set; }

    /// <summary>What live grants have left that no hold has set aside: what a spend or a new hold may take.</summary>
    public long Free { get; private set; }
    public long Held { get; private set; }
    public long Balance => Free + Held;
    public WalletBalance Totals => new(Balance, Held, Free);

    public IEnumerable<CreditLot> InSpendOrder => _spendOrder;
    public IEnumerable<CreditHold> Holds => _holds.Values;

    public CreditHold? Hold(string id) => _holds.GetValueOrDefault(id);

    /// <summary>When the next grant or hold ends, if any does.</summary>
    public DateTimeOffset? NextEnd =>
        (_expiring.Min?.ExpiresAt, _holdsByEnd.Min?.ExpiresAt) switch
        {
            (null, var hold) => hold,
            (var grant, null) => grant,
            (var grant, var hold) => grant < hold ? grant : hold,
        };

    /// <summary>Whether <paramref name="credits"/> more fit in the balance.</summary>
    public bool Fits(long credits) => Balance <= long.MaxValue - credits;

    /// <summary>A new grant; the caller checked that it <see cref="Fits"/>.</summary>
    public CreditLot Add(string source, int priority, DateTimeOffset? expiresAt, long credits)
    {
        var lot = new CreditLot { Number = ++LastGrant, Source = source, Priority = priority, ExpiresAt = expiresAt, Remaining = credits };
        Put(lot);
        return lot;
    }

    /// <summary>Takes free credits from grants in spend order; the caller checked that <paramref name="credits"/> are free.</summary>
    public List<GrantShare> Take(long credits)
    {
        var shares = new List<GrantShare>(1);
        while (credits > 0)
        {
            var lot = _spendOrder.Min!;
            var taken = Math.Min(lot.Remaining, credits);
            shares.Add(new GrantShare(lot.Number, lot.Source, lot.Priority, lot.ExpiresAt, taken));
            lot.Remaining -= taken;
            Free -= taken;
            credits -= taken;
            if (lot.Remaining == 0) Drop(lot);
        }
        return shares;
    }

    /// <summary>Sets aside free credits for a reservation.</summary>
    public CreditHold AddHold(string id, string tool, long units, long credits, DateTimeOffset expiresAt)
    {
        var hold = new CreditHold { Id = id, Tool = tool, Units = units, Credits = credits, ExpiresAt = expiresAt, Shares = Take(credits) };
        AddHold(hold);
        return hold;
    }

    /// <summary>
    /// Ends a hold at <paramref name="at"/>: its first <paramref name="spent"/> credits are spent (their shares
    /// returned), the rest go back to their grants, but for shares of grants expired by then, which leave.
    /// </summary>
    /// <returns>The spent shares, and the credits that left the balance (spent and expired).</returns>
    public (List<GrantShare> Spent, long Left) EndHold(CreditHold hold, long spent, DateTimeOffset at)
    {
        _holds.Remove(hold.Id);
        _holdsByEnd.Remove(hold);
        Held -= hold.Credits;
        var (taken, rest) = CreditRules.Split(hold.Shares, spent);
        var left = spent;
        foreach (var share in rest) left += GiveBack(share, share.Credits, at) ? 0 : share.Credits;
        return (taken, left);
    }

    /// <summary>Returns <paramref name="credits"/> of a share to its grant, made again if it was spent out; false when the grant has expired by <paramref name="at"/>.</summary>
    public bool GiveBack(GrantShare share, long credits, DateTimeOffset at)
    {
        if (share.ExpiredAt(at)) return false;
        if (_lots.TryGetValue(share.Grant, out var lot))
        {
            lot.Remaining += credits;
            Free += credits;
        }
        else Put(new CreditLot { Number = share.Grant, Source = share.Source, Priority = share.Priority, ExpiresAt = share.ExpiresAt, Remaining = credits });
        return true;
    }

    /// <summary>
    /// Ends every grant and hold whose end is at or before <paramref name="now"/>, in the order they ended,
    /// each as the ledger entry of its own instant.
    /// </summary>
    public List<CreditLedgerEntry>? EndDue(DateTimeOffset now)
    {
        List<CreditLedgerEntry>? ended = null;
        var system = new AuditEntryActor(AuditActor.System.Type, AuditActor.System.Id);
        while (NextEnd is { } end && end <= now)
        {
            if (_expiring.Min is { } lot && lot.ExpiresAt == end)
            {
                Drop(lot);
                Free -= lot.Remaining;
                (ended ??= []).Add(new CreditLedgerEntry(end, CreditLedger.Expiry, -lot.Remaining, 0, Balance, Held, system,
                    GrantId: lot.Id, Source: lot.Source));
            }
            else
            {
                var hold = _holdsByEnd.Min!;
                var (_, left) = EndHold(hold, 0, end);
                (ended ??= []).Add(new CreditLedgerEntry(end, CreditLedger.Release, -left, -hold.Credits, Balance, Held, system,
                    ReservationId: hold.Id, Tool: hold.Tool, Reason: "expired"));
            }
        }
        return ended;
    }

    /// <summary>The stored form: copies, since storage serializes them off the grain's turn.</summary>
    public void CopyTo(CreditWalletState state)
    {
        state.LastGrant = LastGrant;
        state.Grants = _lots.Values.Select(lot => lot.Copy()).ToList();
        state.Holds = [.. _holds.Values]; // holds never change once made
    }

    private void Put(CreditLot lot)
    {
        _lots.Add(lot.Number, lot);
        _spendOrder.Add(lot);
        if (lot.ExpiresAt is not null) _expiring.Add(lot);
        Free += lot.Remaining;
    }

    private void Drop(CreditLot lot)
    {
        _lots.Remove(lot.Number);
        _spendOrder.Remove(lot);
        if (lot.ExpiresAt is not null) _expiring.Remove(lot);
    }

    private void AddHold(CreditHold hold)
    {
        _holds.Add(hold.Id, hold);
        _holdsByEnd.Add(hold);
        Held += hold.Credits;
    }
}

using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Credits;

/// <summary>One movement of a wallet, written with the change it describes.</summary>
/// <param name="Kind">One of the movements of <see cref="CreditLedger"/>.</param>
/// <param name="Credits">The change to the balance (negative for spends, expiries and negative adjustments).</param>
/// <param name="Held">The change to what reservations hold.</param>
/// <param name="BalanceAfter">The balance right after the movement (held credits included).</param>
public sealed record CreditLedgerEntry(
    DateTimeOffset At, string Kind, long Credits, long Held, long BalanceAfter, long HeldAfter, AuditEntryActor Actor,
    string? GrantId = null, string? SpendId = null, string? ReservationId = null, string? Tool = null, string? Source = null,
    string? IdempotencyKey = null, string? Reason = null);

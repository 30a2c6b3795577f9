using System.Text.Json;
using Tollgate.Grains.Events;
using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Credits;

/// <summary>The records and entries a wallet writes with its changes: ledger entries, events, audit records, kept entries.</summary>
public static class CreditJournal
{
    public static JournalRecord Ledger(string tenantId, CreditLedgerEntry entry) =>
        new(CreditLedger.Stream, tenantId, entry.Kind, entry.At, JsonSerializer.Serialize(entry, CreditJson.Default.CreditLedgerEntry));

    public static StateEntry Kept(string key, WalletEntry kept) => new(key, JsonSerializer.Serialize(kept,
        CreditJson.Default.WalletEntry), kept.Until);

    /// <summary>A grant's ledger entry (<paramref name="grantId"/> null for a negative adjustment) and its audit record and
    /// event.</summary>
    public static IEnumerable<JournalRecord> Granted(
        string tenantId, CreditGrant grant, string? grantId, AuditActor actor, DateTimeOffset at, WalletBalance after)
    {
        var kind = grant.Source == CreditSources.Adjustment ? CreditLedger.Adjustment : CreditLedger.Grant;
        yield return Ledger(tenantId, new CreditLedgerEntry(at, kind, grant.Amount, 0, after.Balance, after.Held,
            new AuditEntryActor(actor.Type, actor.Id),
            GrantId: grantId, Source: grant.Source, IdempotencyKey: grant.IdempotencyKey, Reason: grant.Reason));
        var change = new { grantId, credits = grant.Amount, grant.Source, grant.Priority, grant.ExpiresAt, grant.Reason };
        yield return AuditJournal.Record(actor, at, tenantId, grant.Amount < 0 ? "credits.adjusted" : "credits.granted", "creditGrant",
            grantId ?? tenantId, after: change);
        if (grantId is not null)
            yield return TenantEvents.Record(tenantId, TenantEventTypes.CreditsGranted, at,
                new
                {
                    grantId, credits = grant.Amount, grant.Source, grant.ExpiresAt, balance = after.Balance,
                    available = after.Available
                });
    }

    /// <summary>The event of a low-balance crossing (<c>credits.low</c> or <c>credits.resolved</c>).</summary>
    public static JournalRecord LowBalance(string tenantId, string type, DateTimeOffset at, long? threshold, WalletBalance balance) =>
        TenantEvents.Record(tenantId, type, at, new
        {
            available = balance.Available, threshold, balance = balance.Balance,
            held = balance.Held
        });
}

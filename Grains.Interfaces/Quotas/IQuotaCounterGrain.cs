using Tollgate.Grains.Billing;
using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Quotas;

/// <summary>
/// One quota of one tenant (key: "{tenantId}/{quotaType}"). Consumes are decided one at a time in
/// memory and acknowledged only once durable; consumes arriving while a write is in flight are
/// decided meanwhile and share the next write (group commit). A reminder wakes it at the end of a
/// window in which it raised an alert, to resolve the alert even when no consume comes.
/// </summary>
[Alias("tollgate.IQuotaCounterGrain")]
public interface IQuotaCounterGrain : IGrainWithStringKey, IRemindable
{
    Task<ConsumeResult> Consume(long amount, string? idempotencyKey, AuditActor actor);

    /// <summary>What a consume of this amount would answer, deducting nothing.</summary>
    Task<ConsumeResult> Check(long amount);

    /// <summary>
    /// Gives back part or all of what an allowed consume of the last 24 hours took, within its window;
    /// all refunds of one consume give back at most its amount.
    /// </summary>
    Task<RefundResult> Refund(QuotaRefund refund, AuditActor actor);

    /// <summary>Null when the catalog has no such quota type.</summary>
    Task<QuotaStatus?> Get();

    /// <summary>
    /// The totals of the last day this counter recorded usage on, as stored; null if it never has.
    /// Earlier days' totals are in the "usage-days" journal stream.
    /// </summary>
    Task<DayUsage?> GetDayUsage();

    /// <summary>The subscription's new limit or anchor for this quota.</summary>
    Task Apply(QuotaEntitlement entitlement);

    /// <summary>The tenant's new alert percents; they apply from the counter's next change.</summary>
    Task ApplyAlertPercents(IReadOnlyList<int> percents);
}

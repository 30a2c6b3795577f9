using Tollgate.Grains.Billing;
using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Quotas;

[GenerateSerializer, Immutable, Alias("tollgate.QuotaStatus")]
public sealed record QuotaStatus(string QuotaType, long Limit, long Used, long Remaining, DateTimeOffset? ResetsAt);

/// <summary>
/// <c>KeyReused</c>: the idempotency key answered a different request. <c>TotalOverflow</c>: the amount
/// fits the limit but the day's total would no longer fit a 64-bit number; nothing was deducted.
/// </summary>
public enum ConsumeOutcome { Allowed, Exceeded, UnknownQuotaType, KeyReused, TotalOverflow }

/// <param name="Replayed">True when an earlier answer with the same idempotency key was returned.</param>
/// <param name="ConsumeId">An allowed consume's id, which a refund names it by.</param>
[GenerateSerializer, Immutable, Alias("tollgate.ConsumeResult")]
public sealed record ConsumeResult(ConsumeOutcome Outcome, QuotaStatus? Status, bool Replayed = false, string? ConsumeId = null);

/// <summary>
/// <c>ExceedsConsume</c>: more than the consume has left to give back (<see cref="RefundResult.Refundable"/>);
/// <c>KeyReused</c> and <c>TotalOverflow</c> as for <see cref="ConsumeOutcome"/>.
/// </summary>
public enum RefundOutcome { Refunded, UnknownConsume, AlreadyRefunded, WindowReset, UnknownQuotaType, KeyReused, ExceedsConsume, TotalOverflow }

/// <param name="Refundable">What the consume still had to give back, when the refund asked more.</param>
[GenerateSerializer, Immutable, Alias("tollgate.RefundResult")]
public sealed record RefundResult(RefundOutcome Outcome, long Refunded, QuotaStatus? Status, bool Replayed = false, long Refundable = 0);

/// <summary>A counter's usage on one UTC day: what its consumes took and its refunds gave back.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.DayUsage")]
public sealed record DayUsage(DateOnly Day, long Consumed, long Refunded);

/// <summary>
/// One quota of one tenant (key: "{tenantId}/{quotaType}"). Consumes are decided one at a time in
/// memory and acknowledged only once durable; consumes arriving while a write is in flight are
/// decided meanwhile and share the next write (group commit).
/// </summary>
[Alias("tollgate.IQuotaCounterGrain")]
public interface IQuotaCounterGrain : IGrainWithStringKey
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
}

public static class QuotaCounterKey
{
    public static string For(string tenantId, string quotaType) => $"{tenantId}/{quotaType}";

    public static (string TenantId, string QuotaType) Parse(string key)
    {
        var slash = key.IndexOf('/');
        return (key[..slash], key[(slash + 1)..]);
    }
}

using Tollgate.Grains.Billing;

namespace Tollgate.Grains.Quotas;

/// <summary>How a counter decides: its window, what a consume may take and what a refund may give back.</summary>
public static class QuotaRules
{
    /// <summary>Starts a new window when a boundary has passed: boundaries are computed, so each applies once.</summary>
    public static void Roll(QuotaCounterState state, QuotaEntitlement entitlement, DateTimeOffset now)
    {
        var (start, _) = Calendar.WindowAt(entitlement.Window, entitlement.Anchor, now);
        if (state.WindowStart == start) return;
        state.WindowStart = start;
        state.Used = 0;
    }

    /// <summary>Whether <paramref name="amount"/> fits what remains of the limit.</summary>
    // Used and the limit are at least 0, so the difference cannot overflow, and Used + amount then fits the limit.
    public static bool Allows(QuotaCounterState state, QuotaEntitlement entitlement, long amount) =>
        amount <= entitlement.Limit - state.Used;

    public static QuotaStatus Status(string quotaType, QuotaCounterState state, QuotaEntitlement entitlement, DateTimeOffset now) =>
        new(quotaType, entitlement.Limit, state.Used, Math.Max(0, entitlement.Limit - state.Used),
            Calendar.WindowAt(entitlement.Window, entitlement.Anchor, now).End);

    /// <summary>
    /// Why a refund of <paramref name="amount"/> of this consume is refused, or null when it may give
    /// it back: all refunds of a consume give back at most its amount, within its window.
    /// </summary>
    public static RefundOutcome? Refusal(KeyedConsume consume, QuotaCounterState state, long amount) =>
        (consume.Amount - consume.GaveBack) switch // 0 <= GaveBack <= Amount
        {
            0 => RefundOutcome.AlreadyRefunded,
            _ when consume.WindowStart != state.WindowStart => RefundOutcome.WindowReset,
            var refundable when amount > refundable => RefundOutcome.ExceedsConsume,
            _ => null,
        };
}

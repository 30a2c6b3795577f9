using System.Globalization;
using Tollgate.Grains.Billing;

namespace Tollgate.Grains.Credits;

/// <summary>
/// When an automatic purchase may start, and how it is keyed. Pure: the grain looks up the pack, calls the provider,
/// stores the state and writes the audit.
/// </summary>
public static class AutoTopUpRules
{
    /// <summary>How many finished charges the state keeps to show.</summary>
    public const int RecentChargesKept = 20;

    public static string MonthOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>
    /// The provider's idempotency key of the month's <paramref name="number"/>th charge: concurrent triggers and retries of
    /// one charge send the same key, so the provider creates one payment.
    /// </summary>
    public static string ChargeKey(string tenantId, string month, int number) => $"tollgate-autotopup-{tenantId}-{month}-{number}";

    /// <summary>A new month starts its count from zero.</summary>
    public static void RollMonth(this AutoTopUpState state, DateTimeOffset now)
    {
        var month = MonthOf(now);
        if (state.Month == month) return;
        state.Month = month;
        state.ChargesThisMonth = 0;
    }

    /// <summary>Why no new charge starts for an available balance of <paramref name="available"/>; null when one may.</summary>
    public static string? WhyNoCharge(this AutoTopUpState state, long available) =>
        !state.Enabled || state.Threshold is not { } threshold ? "auto top-up is off"
        : available >= threshold ? "the balance is not under the threshold"
        : state.Pending is not null ? "a charge is under way"
        : state.LastFailure is not null ? "the last charge failed: a new payment method is needed"
        : state.PaymentMethodId is null ? "no saved payment method"
        : state.ChargesThisMonth >= state.MaxPerMonth ? "this month's charges reached maxPerMonth"
        : null;

    /// <summary>Starts the month's next charge for <paramref name="pack"/>; the caller stores it before calling the provider.</summary>
    public static AutoTopUpCharge Begin(this AutoTopUpState state, string tenantId, CreditPackInfo pack, DateTimeOffset now)
    {
        state.ChargesThisMonth++;
        var charge = new AutoTopUpCharge(ChargeKey(tenantId, state.Month, state.ChargesThisMonth), null, pack.Id, pack.Credits,
            pack.PriceMinor, pack.Currency, "pending", now, null);
        state.Pending = charge;
        return charge;
    }

    /// <summary>Whether a provider's report is about the charge under way (by its key, or by its payment once known).</summary>
    public static bool IsPending(this AutoTopUpState state, string paymentId, string? chargeKey) =>
        state.Pending is { } pending && (pending.Key == chargeKey || pending.PaymentId == paymentId);

    /// <summary>The charge under way ends: kept among the recent ones.</summary>
    public static AutoTopUpCharge End(this AutoTopUpState state, string paymentId, string status, DateTimeOffset now)
    {
        var ended = state.Pending! with { PaymentId = paymentId, Status = status, EndedAt = now };
        state.Pending = null;
        state.RecentCharges.Insert(0, ended);
        if (state.RecentCharges.Count > RecentChargesKept) state.RecentCharges.RemoveRange(RecentChargesKept,
            state.RecentCharges.Count - RecentChargesKept);
        return ended;
    }

    /// <summary>
    /// Saves the method later charges use; false when nothing changes. A failure blocks charges until another method than
    /// the one that failed is saved.
    /// </summary>
    public static bool SaveMethod(this AutoTopUpState state, string paymentMethodId)
    {
        if (state.LastFailure is { } failure && failure.PaymentMethodId == paymentMethodId) return false;
        if (state.PaymentMethodId == paymentMethodId && state.LastFailure is null) return false;
        state.PaymentMethodId = paymentMethodId;
        state.LastFailure = null;
        return true;
    }
}

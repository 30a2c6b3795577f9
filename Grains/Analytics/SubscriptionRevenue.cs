using Tollgate.Grains.Billing;
using Tollgate.Grains.Orders;

namespace Tollgate.Grains.Analytics;

/// <summary>
/// What a subscription's changes count in revenue analytics (<see cref="RevenueRules"/>): after every change the subscription
/// is compared with what was last counted, and the difference is what the grain records with its write (see
/// <see cref="RevenueRecording"/>). Comparing with the last counted point, not the change's own before, makes the movements add
/// up to what the subscription is now even when a plan's price changed in between.
/// </summary>
public static class SubscriptionRevenue
{
    /// <summary>What the plan costs a tenant subscribed through <paramref name="source"/>: prepaid orders pay its cny price,
    /// anything else its first price.</summary>
    public static PricedPlan PriceOf(PlanInfo plan, SubscriptionSource source)
    {
        if (source == SubscriptionSource.Prepaid && plan.PriceIn(OrderPricing.Currency) is { } cny)
            return new PricedPlan(cny, OrderPricing.Currency, plan.Interval);
        return new PricedPlan(plan.PriceMinor, plan.Currency.ToLowerInvariant(), plan.Interval);
    }

    /// <summary>
    /// Counts the change to the subscription as it is now, effective <paramref name="at"/>: the movements it makes, none when
    /// nothing moved. A subscription stored before analytics has no price yet and counts from the first change that takes its
    /// plan (a start, a renewal).
    /// </summary>
    public static IReadOnlyList<RevenueMovement> CountRevenue(this SubscriptionState state, string tenantId, DateTimeOffset at)
    {
        var point = state.PlanId is null || state.Price is null ? null : new SubscriptionPoint(state.Price, state.Status);
        if (point == state.CountedPoint) return [];
        var moved = RevenueRules.Movements($"{tenantId}/{state.RevenueChanges + 1}", state.CountedPoint, point, at);
        if (moved.Count > 0) state.RevenueChanges++;
        state.CountedPoint = point;
        return moved;
    }

    /// <summary>An invoice paid through the provider, counted in the month the provider reported it, for the plan the tenant is
    /// on after it.</summary>
    public static RevenueMovement PaymentOf(this SubscriptionState state, string tenantId, ProviderEvent paid, ProviderInvoice invoice) =>
        RevenueRules.Payment($"{tenantId}/invoice/{invoice.Id}/{paid.Id}", invoice.Currency, invoice.AmountPaid,
            paid.Created, state.Provider?.Provider ?? "stripe", state.PlanId ?? RevenueMovement.Unattributed);
}

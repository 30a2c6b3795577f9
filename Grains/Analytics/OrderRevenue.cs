using Tollgate.Grains.Orders;

namespace Tollgate.Grains.Analytics;

/// <summary>
/// What an order counts in revenue: what was paid, in the month it was paid, and each refund that succeeded, negative, in the
/// month it completed. Each is counted once (remembered in <see cref="OrderState.RevenueCounted"/>) and recorded with the write
/// that made it (<see cref="RevenueRecording"/>).
/// </summary>
public static class OrderRevenue
{
    private const string PaidKey = "paid";

    /// <summary>What the order's state counts that was not counted before.</summary>
    public static IReadOnlyList<RevenueMovement> CountRevenue(this OrderState state, string orderId)
    {
        var counted = new List<RevenueMovement>();
        var plan = state.PlanId ?? RevenueMovement.CreditPacks;
        if (state is { PaidAt: { } paidAt, PaidMinor: { } paid } && state.RevenueCounted.Add(PaidKey))
            counted.Add(RevenueRules.Payment($"order/{orderId}/{PaidKey}", state.Currency, paid, paidAt, state.Provider,
                plan));
        foreach (var refund in state.Refunds)
        {
            if (refund.Status != RefundStatus.Succeeded || !state.RevenueCounted.Add("refund/" + refund.Id)) continue;
            counted.Add(RevenueRules.Payment($"order/{orderId}/refund/{refund.Id}", state.Currency, -refund.AmountMinor,
                refund.CompletedAt ?? refund.RequestedAt, state.Provider, plan));
        }
        return counted;
    }
}

using System.Text.Json;
using Tollgate.Grains.Analytics;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Orders;

namespace Tollgate.Grains.Tests;

/// <summary>What a subscription's and an order's changes hand to revenue analytics, each once, without a silo.</summary>
public sealed class RevenueCountingTests
{
    private static readonly DateTimeOffset May31 = new(2026, 5, 31, 23, 0, 0, TimeSpan.Zero);

    private static PlanInfo Plan(string id, long priceMinor, int version = 1, BillingInterval interval = BillingInterval.Month,
        IReadOnlyList<CurrencyPrice>? prices = null) =>
        new(id, id, null, priceMinor, "USD", interval, 0, 0, new Dictionary<string, long>(), new Dictionary<string, JsonElement>(), null,
            false, false, version, May31, Prices: prices);

    [Fact]
    public void Each_change_is_compared_with_what_was_last_counted_so_the_movements_add_up_to_the_mrr_now()
    {
        var state = new SubscriptionState();
        var counted = new List<RevenueMovement>();
        state.Start(Plan("pro", 2_900), SubscriptionSource.Operator, trialDays: 0, May31);
        counted.AddRange(state.CountRevenue("t1", May31));
        Assert.Empty(state.CountRevenue("t1", May31.AddHours(2))); // nothing changed: nothing counted
        state.Take(Plan("pro", 3_900, version: 2), SubscriptionSource.Operator); // the plan's price went up
        counted.AddRange(state.CountRevenue("t1", May31.AddHours(2)));
        state.EndWithoutPlan();
        counted.AddRange(state.CountRevenue("t1", May31.AddDays(3)));

        Assert.Equal(
            [
                new RevenueMovement("t1/1/usd", "2026-05", "usd", NewMrrMinor: 2_900, PayingDelta: 1),
                new RevenueMovement("t1/2/usd", "2026-06", "usd", ExpansionMrrMinor: 1_000),
                new RevenueMovement("t1/3/usd", "2026-06", "usd", ChurnedMrrMinor: 3_900, PayingDelta: -1, TenantsChurned: 1),
            ],
            counted);
        Assert.Equal(3, state.RevenueChanges);
    }

    [Fact]
    public void A_prepaid_subscription_pays_the_plans_cny_price_and_another_its_first_price()
    {
        var plan = Plan("pro", 2_900, interval: BillingInterval.Year, prices: [new("usd", 2_900), new("cny", 19_900)]);
        Assert.Equal(new PricedPlan(19_900, "cny", BillingInterval.Year), SubscriptionRevenue.PriceOf(plan, SubscriptionSource.Prepaid));
        Assert.Equal(new PricedPlan(2_900, "usd", BillingInterval.Year), SubscriptionRevenue.PriceOf(plan, SubscriptionSource.Provider));
    }

    [Fact]
    public void An_order_counts_what_was_paid_once_and_each_succeeded_refund_once_negative_in_its_own_month()
    {
        var order = new OrderState
        {
            TenantId = "t1", Provider = "alipay", PlanId = "pro", Currency = "cny", AmountMinor = 19_900, Status = OrderStatus.Pending,
            ExpiresAt = May31.AddHours(1)
        };
        var counted = new List<RevenueMovement>();
        order.Pay("trade-1", 19_900, May31);
        counted.AddRange(order.CountRevenue("o1"));
        Assert.Empty(order.CountRevenue("o1")); // a later write of the same order
        order.Refunds.Add(new OrderRefundInfo("r1", 5_000, "asked", RefundStatus.Requested, null, May31.AddDays(1), null, null));
        Assert.Empty(order.CountRevenue("o1")); // requested is not refunded yet
        order.CompleteRefund("r1", RefundStatus.Succeeded, "p-r1", May31.AddDays(2), null);
        counted.AddRange(order.CountRevenue("o1"));
        Assert.Empty(order.CountRevenue("o1"));

        Assert.Equal(
            [
                new RevenueMovement("order/o1/paid", "2026-05", "cny", RevenueMinor: 19_900, Provider: "alipay", Plan: "pro"),
                new RevenueMovement("order/o1/refund/r1", "2026-06", "cny", RevenueMinor: -5_000, Provider: "alipay", Plan: "pro"),
            ],
            counted);
    }
}

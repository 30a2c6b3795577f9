using System.Text.Json;
using System.Text.RegularExpressions;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Orders;

namespace Tollgate.Grains.Tests.Orders;

/// <summary>What an order costs, its ids, and how payments, closes and refunds change it, without a silo.</summary>
public sealed class OrderRulesTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static PlanInfo Plan(string id, IReadOnlyList<CurrencyPrice>? prices, long priceMinor = 900, string currency = "usd",
        bool archived = false) =>
        new(id, $"Plan {id}", null, priceMinor, currency, BillingInterval.Month, 0, 0, new Dictionary<string, long>(),
            new Dictionary<string, JsonElement>(), null, false, archived, 1, Noon, Prices: prices);

    private static readonly CatalogSnapshot Catalog = new([], [],
        [
            Plan("pro", [new("usd", 900), new("cny", 6_800)]),
            Plan("usd-only", [new("usd", 900)]),
            Plan("legacy-cny", null, priceMinor: 3_000, currency: "cny"),
            Plan("old", [new("cny", 100)], archived: true),
        ],
        [],
        [
            new CreditPackInfo("big", "Big pack", 10_000, 1_500, "usd", null, false, Noon, [new("usd", 1_500), new("cny", 9_900)]),
            new CreditPackInfo("usd-pack", "USD pack", 100, 500, "usd", null, false, Noon),
        ]);

    [Fact]
    public void The_amount_is_the_catalogs_cny_price_times_the_periods_in_fen()
    {
        var plan = OrderPricing.Price(Catalog, new OrderItem("pro", 3, null));
        Assert.Equal((OrderOutcome.Ok, 20_400L, "Plan pro x 3", (long?)null), (plan.Outcome, plan.AmountMinor, plan.Subject, plan.Credits));
        var legacy = OrderPricing.Price(Catalog, new OrderItem("legacy-cny", 1, null));
        Assert.Equal((OrderOutcome.Ok, 3_000L, "Plan legacy-cny"), (legacy.Outcome, legacy.AmountMinor, legacy.Subject));
        var pack = OrderPricing.Price(Catalog, new OrderItem(null, 0, "big"));
        Assert.Equal((OrderOutcome.Ok, 9_900L, (long?)10_000), (pack.Outcome, pack.AmountMinor, pack.Credits));
    }

    [Fact]
    public void Items_without_a_cny_price_archived_or_unknown_cannot_be_ordered()
    {
        Assert.Equal(OrderOutcome.NoCnyPrice, OrderPricing.Price(Catalog, new OrderItem("usd-only", 1, null)).Outcome);
        Assert.Equal(OrderOutcome.NoCnyPrice, OrderPricing.Price(Catalog, new OrderItem(null, 0, "usd-pack")).Outcome);
        Assert.Equal(OrderOutcome.NotFound, OrderPricing.Price(Catalog, new OrderItem("old", 1, null)).Outcome);
        Assert.Equal(OrderOutcome.NotFound, OrderPricing.Price(Catalog, new OrderItem("nope", 1, null)).Outcome);
        Assert.Equal(OrderOutcome.NotFound, OrderPricing.Price(Catalog, new OrderItem(null, 0, "nope")).Outcome);
    }

    [Fact]
    public void Ids_are_the_same_for_one_key_of_one_tenant_and_fit_both_providers_trade_numbers()
    {
        var id = OrderIds.Order("t1", "key-1");
        Assert.Equal(id, OrderIds.Order("t1", "key-1"));
        Assert.NotEqual(id, OrderIds.Order("t2", "key-1"));
        Assert.NotEqual(id, OrderIds.Order("t1", "key-2"));
        // WeChat Pay: 6 to 32 of [0-9A-Za-z_-|*]; Alipay: letters, digits and underscores, up to 64.
        Assert.Matches(new Regex("^[0-9A-Za-z_]{6,32}$"), id);
        Assert.True(OrderIds.IsOrderId(id));
        Assert.False(OrderIds.IsOrderId(id.ToUpperInvariant()));
        Assert.False(OrderIds.IsOrderId("ord_../../etc"));
        var refund = OrderIds.Refund(id, "key-1");
        Assert.Matches(new Regex("^[0-9A-Za-z_]{6,32}$"), refund);
        Assert.NotEqual(refund, OrderIds.Refund(id, "key-2"));
    }

    private static OrderState Pending() => new()
    {
        TenantId = "t1", Provider = "alipay", PlanId = "pro", Periods = 1, AmountMinor = 6_800, Currency = "cny",
        Status = OrderStatus.Pending, CreatedAt = Noon, ExpiresAt = Noon.AddMinutes(15),
    };

    [Fact]
    public void A_payment_must_match_the_orders_amount_and_currency()
    {
        var order = Pending();
        Assert.Null(order.Mismatch(6_800, "CNY"));
        Assert.Equal("amount_mismatch", order.Mismatch(6_799, "cny"));
        Assert.Equal("currency_mismatch", order.Mismatch(6_800, "usd"));
    }

    [Fact]
    public void A_pending_order_is_paid_once_and_then_to_be_fulfilled()
    {
        var order = Pending();
        Assert.Equal(PaymentChange.Paid, order.Pay("2026120622001", 6_800, Noon.AddMinutes(1)));
        Assert.Equal(OrderStatus.Paid, order.Status);
        Assert.True(order.NeedsFulfilment);
        Assert.Equal(PaymentChange.Duplicate, order.Pay("2026120622001", 6_800, Noon.AddMinutes(2)));
        Assert.Equal(Noon.AddMinutes(1), order.PaidAt);
        order.Fulfilled = true;
        Assert.False(order.NeedsFulfilment);
    }

    [Fact]
    public void A_payment_after_the_order_closed_is_recorded_and_flagged_for_refund_not_fulfilled()
    {
        var order = Pending();
        Assert.True(order.IsExpired(Noon.AddMinutes(15)));
        Assert.False(order.IsExpired(Noon.AddMinutes(14)));
        order.Close("expired", Noon.AddMinutes(15));
        Assert.False(order.IsExpired(Noon.AddMinutes(16)));
        Assert.Equal(PaymentChange.PaidAfterClose, order.Pay("t", 6_800, Noon.AddMinutes(16)));
        Assert.Equal((OrderStatus.Closed, true, false, 6_800L),
            (order.Status, order.RefundDue, order.NeedsFulfilment, order.PaidMinor!.Value));
        Assert.Equal(PaymentChange.Duplicate, order.Pay("t", 6_800, Noon.AddMinutes(17)));
        Assert.Equal((6_800L, OrderOutcome.Ok), order.RefundAmount(null));
    }

    [Fact]
    public void Refunds_go_up_to_what_was_paid_and_make_the_order_refunded_when_they_reach_it()
    {
        var order = Pending();
        Assert.Equal(OrderOutcome.NotPaid, order.RefundAmount(null).Outcome);
        order.Pay("t", 6_800, Noon);
        Assert.Equal(OrderOutcome.RefundExceedsPaid, order.RefundAmount(6_801).Outcome);
        Assert.Equal((1_000L, OrderOutcome.Ok), order.RefundAmount(1_000));
        order.Refunds.Add(new OrderRefundInfo("r1", 1_000, "partial", RefundStatus.Requested, null, Noon, null, null));
        Assert.Equal((5_800L, OrderOutcome.Ok), order.RefundAmount(null));
        Assert.True(order.CompleteRefund("r1", RefundStatus.Processing, "p1", Noon, null));
        Assert.True(order.CompleteRefund("r1", RefundStatus.Succeeded, null, Noon.AddMinutes(1), null));
        // Its result is recorded once: a later report (the notification after the synchronous answer) changes nothing.
        Assert.False(order.CompleteRefund("r1", RefundStatus.Succeeded, null, Noon.AddMinutes(2), null));
        Assert.False(order.CompleteRefund("r1", RefundStatus.Failed, null, Noon.AddMinutes(2), "late"));
        Assert.Equal((OrderStatus.Paid, 1_000L, "p1", Noon.AddMinutes(1)),
            (order.Status, order.RefundedMinor, order.Refunds[0].ProviderRefundId, order.Refunds[0].CompletedAt));

        order.Refunds.Add(new OrderRefundInfo("r2", 800, "failed one", RefundStatus.Requested, null, Noon, null, null));
        Assert.True(order.CompleteRefund("r2", RefundStatus.Failed, null, Noon, "declined"));
        Assert.Equal(1_000L, order.RefundedMinor); // a failed refund gives its amount back
        order.Refunds.Add(new OrderRefundInfo("r3", 5_800, "the rest", RefundStatus.Requested, null, Noon, null, null));
        Assert.True(order.CompleteRefund("r3", RefundStatus.Succeeded, null, Noon, null));
        Assert.Equal((OrderStatus.Refunded, 6_800L, OrderOutcome.RefundExceedsPaid),
            (order.Status, order.RefundedMinor, order.RefundAmount(1).Outcome));
    }
}

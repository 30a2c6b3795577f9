using System.Text.Json;
using Tollgate.Grains.Billing;

namespace Tollgate.Grains.Tests;

/// <summary>Prepaid periods without a silo: where a paid span ends, what comes due in which order, what is refused.</summary>
public sealed class PrepaidRulesTests
{
    private static readonly DateTimeOffset Jan31 = new(2026, 1, 31, 9, 30, 0, TimeSpan.Zero);

    private static PlanInfo Plan(string id, long priceMinor) =>
        new(id, id, null, priceMinor, "CNY", BillingInterval.Month, 0, 7, new Dictionary<string, long>(),
            new Dictionary<string, JsonElement>(), null, false, false, 1, DateTimeOffset.UnixEpoch);

    private static SubscriptionState Prepaid(int periods)
    {
        var state = new SubscriptionState();
        state.Start(Plan("pro", 8_800), SubscriptionSource.Prepaid, 0, Jan31, periods);
        return state;
    }

    [Fact]
    public void Periods_paid_end_on_the_anchors_calendar_and_more_of_the_same_plan_add_up()
    {
        var state = Prepaid(3);
        Assert.Equal(new DateTimeOffset(2026, 4, 30, 9, 30, 0, TimeSpan.Zero), state.PaidThrough); // Jan 31 + 3 months
        Assert.Equal(new DateTimeOffset(2026, 2, 28, 9, 30, 0, TimeSpan.Zero), state.PeriodEnd);

        Assert.True(state.Extends(Plan("pro", 8_800)));
        Assert.False(state.Extends(Plan("max", 18_800)));
        state.ExtendBy(3);
        Assert.Equal(new DateTimeOffset(2026, 7, 31, 9, 30, 0, TimeSpan.Zero), state.PaidThrough); // back to the 31st: 6 months
    }

    [Fact]
    public void Any_other_start_ends_the_prepaid_span()
    {
        var state = Prepaid(3);
        state.Start(Plan("free", 0), SubscriptionSource.Default, 0, Jan31.AddDays(5));
        Assert.Null(state.PaidThrough);
        Assert.Null(state.Info("t1", recordExists: true)!.PaidThrough);
        Assert.False(state.Extends(Plan("free", 0)));
    }

    [Fact]
    public void Renewals_the_notice_and_the_lapse_come_due_in_the_order_of_their_instants()
    {
        var state = Prepaid(2);
        var end = state.PaidThrough!.Value; // Mar 31
        Assert.Equal(PrepaidDue.Nothing, state.DuePrepaid(Jan31.AddDays(1)));
        Assert.Equal(state.PeriodEnd, state.NextPrepaidLook());

        // Downtime past the renewal and the notice: the renewal first.
        var late = end - TimeSpan.FromDays(1);
        Assert.Equal(PrepaidDue.PeriodEnd, state.DuePrepaid(late));
        state.Renew(state.PeriodEnd, null);
        Assert.Equal(end, state.PeriodEnd);
        Assert.Equal(end - PrepaidRules.ExpiringNotice, state.NextPrepaidLook());
        Assert.Equal(PrepaidDue.Nothing, state.DuePrepaid(end - PrepaidRules.ExpiringNotice - TimeSpan.FromSeconds(1)));
        Assert.Equal(PrepaidDue.Expiring, state.DuePrepaid(late));
        state.AnnounceExpiry();
        Assert.Equal(PrepaidDue.Nothing, state.DuePrepaid(late)); // once
        Assert.Equal(end, state.NextPrepaidLook());
        Assert.Equal(PrepaidDue.Lapse, state.DuePrepaid(end));
    }

    [Fact]
    public void Past_the_end_the_notice_is_skipped_and_the_lapse_is_due()
    {
        var state = Prepaid(1);
        var end = state.PaidThrough!.Value;
        Assert.Equal(PrepaidDue.Lapse, state.DuePrepaid(end.AddDays(40)));
    }

    [Fact]
    public void An_extension_after_the_notice_earns_a_notice_for_the_new_end()
    {
        var state = Prepaid(1);
        state.AnnounceExpiry();
        state.ExtendBy(1);
        Assert.Equal(PrepaidDue.PeriodEnd, state.DuePrepaid(state.PeriodEnd));
        state.Renew(state.PeriodEnd, null);
        Assert.Equal(PrepaidDue.Expiring, state.DuePrepaid(state.PaidThrough!.Value - TimeSpan.FromDays(2)));
    }

    [Fact]
    public void Orders_for_a_tenant_paying_through_a_provider_an_unknown_or_free_plan_or_out_of_range_periods_are_refused()
    {
        var order = new PrepaidPeriods("ord_1", "pro", 3, "alipay", Jan31);
        var state = new SubscriptionState();
        Assert.Null(state.PrepaidRefusal(order, Plan("pro", 8_800)));
        Assert.Equal(SubscriptionError.NotFound, state.PrepaidRefusal(order, null)!.Error);
        Assert.Equal(SubscriptionError.Invalid, state.PrepaidRefusal(order, Plan("free", 0))!.Error);
        Assert.Equal(SubscriptionError.Invalid, state.PrepaidRefusal(order with { Periods = 0 }, Plan("pro", 8_800))!.Error);
        Assert.Equal(SubscriptionError.Invalid, state.PrepaidRefusal(order with { Periods = 37 }, Plan("pro", 8_800))!.Error);
        state.Source = SubscriptionSource.Provider;
        Assert.Equal(SubscriptionError.Conflict, state.PrepaidRefusal(order, Plan("pro", 8_800))!.Error);
    }

    [Fact]
    public void A_prepaid_subscription_refuses_plan_changes_and_cancelling_at_period_end()
    {
        Assert.Equal(SubscriptionError.Conflict, Prepaid(2).PrepaidChangeRefusal()!.Error);
        var state = new SubscriptionState();
        state.Start(Plan("plus", 0), SubscriptionSource.SelfService, 0, Jan31);
        Assert.Null(state.PrepaidChangeRefusal());
    }

    [Fact]
    public void Plans_keep_their_first_price_first_and_one_price_per_currency()
    {
        Assert.Equal([new CurrencyPrice("usd", 900)], CatalogPrices.Of(null, 900, "USD"));
        Assert.Null(CatalogPrices.Problem([new("usd", 900), new("cny", 6_800)], 900, "USD"));
        Assert.NotNull(CatalogPrices.Problem([new("cny", 6_800), new("usd", 900)], 900, "USD"));
        Assert.NotNull(CatalogPrices.Problem([new("usd", 900), new("USD", 1_000)], 900, "USD"));
        var both = Plan("pro", 900) with { Currency = "USD", Prices = [new("usd", 900), new("cny", 6_800)] };
        Assert.Equal((6_800, 900), (CatalogPrices.WithPrices(both).PriceIn("cny"), CatalogPrices.WithPrices(both).PriceIn("usd")));
        Assert.Equal(8_800, CatalogPrices.WithPrices(Plan("pro", 8_800)).PriceIn("cny")); // a plan stored with one price
    }
}

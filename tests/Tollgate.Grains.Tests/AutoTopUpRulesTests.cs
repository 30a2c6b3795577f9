using Tollgate.Grains.Billing;
using Tollgate.Grains.Credits;

namespace Tollgate.Grains.Tests;

/// <summary>When an automatic credit purchase may start and how it is keyed, without a silo.</summary>
public sealed class AutoTopUpRulesTests
{
    private static readonly DateTimeOffset March = new(2026, 3, 31, 23, 59, 0, TimeSpan.Zero);
    private static readonly CreditPackInfo Pack = new("starter", "Starter", 1_000, 1_500, "USD", "price_1", false,
        DateTimeOffset.UnixEpoch);

    private static AutoTopUpState Ready() => new()
    {
        Threshold = 100, PackId = "starter", MaxPerMonth = 2, Enabled = true, PaymentMethodId = "pm_1", Month = "2026-03",
    };

    [Fact]
    public void A_charge_starts_only_under_the_threshold_with_a_method_nothing_under_way_and_no_failure()
    {
        Assert.Null(Ready().WhyNoCharge(99));
        Assert.NotNull(Ready().WhyNoCharge(100));
        var state = Ready();
        state.Enabled = false;
        Assert.Equal("auto top-up is off", state.WhyNoCharge(0));
        state = Ready();
        state.PaymentMethodId = null;
        Assert.Equal("no saved payment method", state.WhyNoCharge(0));
        state = Ready();
        state.LastFailure = new AutoTopUpFailure("pi_1", "pm_1", "card_declined", "declined", March);
        Assert.NotNull(state.WhyNoCharge(0));
    }

    [Fact]
    public void Charges_are_keyed_by_tenant_month_and_number_and_stop_at_maxPerMonth_until_the_month_turns()
    {
        var state = Ready();
        var first = state.Begin("t1", Pack, March);
        Assert.Equal("tollgate-autotopup-t1-2026-03-1", first.Key);
        Assert.Equal((1_000L, 1_500L, "USD", "pending"), (first.Credits, first.AmountMinor, first.Currency, first.Status));
        Assert.Equal("a charge is under way", state.WhyNoCharge(0));
        Assert.True(state.IsPending("pi_9", first.Key));
        state.End("pi_9", "succeeded", March);
        Assert.Equal("tollgate-autotopup-t1-2026-03-2", state.Begin("t1", Pack, March).Key);
        state.End("pi_10", "failed", March);
        Assert.Equal("this month's charges reached maxPerMonth", state.WhyNoCharge(0));

        state.RollMonth(March.AddMinutes(1));
        Assert.Equal(("2026-04", 0), (state.Month, state.ChargesThisMonth));
        Assert.Null(state.WhyNoCharge(0));
        Assert.Equal(["pi_10", "pi_9"], state.RecentCharges.Select(c => c.PaymentId));
    }

    [Fact]
    public void Only_another_payment_method_than_the_one_that_failed_clears_the_failure()
    {
        var state = Ready();
        state.LastFailure = new AutoTopUpFailure("pi_1", "pm_1", "card_declined", "declined", March);
        Assert.False(state.SaveMethod("pm_1"));
        Assert.NotNull(state.LastFailure);
        Assert.True(state.SaveMethod("pm_2"));
        Assert.Null(state.LastFailure);
        Assert.False(state.SaveMethod("pm_2"));
    }
}

using System.Text.Json;
using Tollgate.Grains.Billing;

namespace Tollgate.Grains.Tests;

/// <summary>The subscription's pure rules, without a silo: plan changes and what a provider's status means.</summary>
public sealed class BillingRulesTests
{
    private static PlanInfo Plan(long priceMinor, BillingInterval interval, params (string QuotaType, long Limit)[] quotas) =>
        new("p", "P", null, priceMinor, "USD", interval, 0, 7, quotas.ToDictionary(q => q.QuotaType, q => q.Limit),
            new Dictionary<string, JsonElement>(), null, false, false, 1, DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_cheaper_plan_or_a_lower_or_dropped_limit_is_a_downgrade_and_anything_else_an_upgrade()
    {
        var pro = Plan(2_000, BillingInterval.Month, ("chat/messages", 50_000), ("chat/seats", 5));

        Assert.True(PlanChange.IsDowngrade(pro, Plan(1_000, BillingInterval.Month, ("chat/messages", 50_000), ("chat/seats", 5))));
        Assert.True(PlanChange.IsDowngrade(pro, Plan(2_000, BillingInterval.Month, ("chat/messages", 49_999), ("chat/seats", 5))));
        Assert.True(PlanChange.IsDowngrade(pro, Plan(9_000, BillingInterval.Month, ("chat/messages", 50_000))));
        Assert.False(PlanChange.IsDowngrade(pro, Plan(2_000, BillingInterval.Month, ("chat/messages", 50_000), ("chat/seats", 5), ("x/y", 1))));
        Assert.False(PlanChange.IsDowngrade(pro, Plan(3_000, BillingInterval.Month, ("chat/messages", 60_000), ("chat/seats", 5))));
    }

    [Fact]
    public void Yearly_and_monthly_prices_compare_per_month_exactly()
    {
        var monthly = Plan(1_000, BillingInterval.Month);

        Assert.False(PlanChange.IsDowngrade(monthly, Plan(12_000, BillingInterval.Year))); // the same per month
        Assert.True(PlanChange.IsDowngrade(monthly, Plan(11_999, BillingInterval.Year)));
        Assert.False(PlanChange.IsDowngrade(Plan(long.MaxValue, BillingInterval.Month), Plan(long.MaxValue, BillingInterval.Month))); // no overflow
    }

    [Theory]
    [InlineData(ProviderSubscriptionStatus.Trialing, SubscriptionStatus.Trialing, false)]
    [InlineData(ProviderSubscriptionStatus.Active, SubscriptionStatus.Active, false)]
    [InlineData(ProviderSubscriptionStatus.Incomplete, SubscriptionStatus.Incomplete, true)]
    [InlineData(ProviderSubscriptionStatus.PastDue, SubscriptionStatus.PastDue, false)]
    [InlineData(ProviderSubscriptionStatus.Unpaid, SubscriptionStatus.PastDue, true)]
    [InlineData(ProviderSubscriptionStatus.Paused, SubscriptionStatus.PastDue, true)]
    public void A_live_provider_status_maps_to_the_tenants_status_and_says_whether_quotas_stop_at_once(
        ProviderSubscriptionStatus provider, SubscriptionStatus expected, bool suspendsAtOnce)
    {
        Assert.Equal(expected, ProviderStatusRules.ToSubscriptionStatus(provider));
        Assert.Equal(suspendsAtOnce, ProviderStatusRules.SuspendsAtOnce(provider));
    }

    [Fact]
    public void Within_one_second_an_ended_state_beats_a_live_one_which_beats_one_not_yet_paid()
    {
        Assert.True(ProviderStatusRules.Rank(ProviderSubscriptionStatus.Canceled) > ProviderStatusRules.Rank(ProviderSubscriptionStatus.Active));
        Assert.True(ProviderStatusRules.Rank(ProviderSubscriptionStatus.IncompleteExpired) > ProviderStatusRules.Rank(ProviderSubscriptionStatus.PastDue));
        Assert.True(ProviderStatusRules.Rank(ProviderSubscriptionStatus.Active) > ProviderStatusRules.Rank(ProviderSubscriptionStatus.Incomplete));
    }
}

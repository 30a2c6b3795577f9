using System.Text.Json;
using Tollgate.Grains.Billing;

namespace Tollgate.Grains.Tests;

/// <summary>When a subscription's period refills its plan's credits, without a silo.</summary>
public sealed class PlanRefillRulesTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static PlanInfo Plan(long monthlyCredits, bool rollOver = false) =>
        new("studio", "Studio", null, 0, "USD", BillingInterval.Month, 0, 7, new Dictionary<string, long>(), new Dictionary<string,
            JsonElement>(),
            null, false, false, 1, DateTimeOffset.UnixEpoch, monthlyCredits, rollOver);

    [Fact]
    public void A_period_refills_its_plans_credits_expiring_at_its_end_under_a_key_of_plan_and_period()
    {
        var state = new SubscriptionState();
        state.Start(Plan(500), SubscriptionSource.Operator, 0, Start);
        state.RefillPeriod(Plan(500));

        var refill = Assert.IsType<PlanRefill>(state.PendingRefill);
        var grant = PlanRefills.Grant(refill);
        Assert.Equal((500L, "plan_refill", Start.AddMonths(1)), (grant.Amount, grant.Source, grant.ExpiresAt));
        Assert.Equal($"plan_refill:studio:{Start.UtcTicks}", grant.IdempotencyKey);
        Assert.Null(PlanRefills.Grant(refill with { RollOver = true }).ExpiresAt);
    }

    [Fact]
    public void A_plan_without_credits_refills_nothing_and_a_renewal_replaces_an_ungranted_refill()
    {
        var state = new SubscriptionState();
        state.Start(Plan(0), SubscriptionSource.Default, 0, Start);
        state.RefillPeriod(Plan(0));
        Assert.Null(state.PendingRefill);

        state.RefillPeriod(Plan(500));
        state.Renew(Start.AddMonths(1), Plan(500));
        state.RefillPeriod(Plan(500));
        Assert.Equal(Start.AddMonths(1), state.PendingRefill!.PeriodStart);
    }

    [Fact]
    public void A_providers_period_refills_once_and_only_in_good_standing()
    {
        var state = new SubscriptionState { PeriodStart = Start, PeriodEnd = Start.AddMonths(1), Status = SubscriptionStatus.PastDue };
        state.RefillIfNewPeriod(Plan(500));
        Assert.Null(state.PendingRefill);

        state.Status = SubscriptionStatus.Active;
        state.RefillIfNewPeriod(Plan(500));
        Assert.NotNull(state.PendingRefill);
        state.PendingRefill = null; // granted
        state.RefillIfNewPeriod(Plan(500));
        Assert.Null(state.PendingRefill); // the same period reported again

        state.Suspended = true;
        state.PeriodStart = Start.AddMonths(1);
        state.RefillIfNewPeriod(Plan(500));
        Assert.Null(state.PendingRefill);
    }

    [Fact]
    public void A_refill_still_ungranted_when_its_period_ends_goes_unless_it_rolls_over()
    {
        var refill = new PlanRefill("studio", Start, Start.AddMonths(1), 500, RollOver: false);
        Assert.True(PlanRefills.StillDue(refill, Start.AddDays(29)));
        Assert.False(PlanRefills.StillDue(refill, Start.AddMonths(1)));
        Assert.True(PlanRefills.StillDue(refill with { RollOver = true }, Start.AddMonths(2)));
    }
}

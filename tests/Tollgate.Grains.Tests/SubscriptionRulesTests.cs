using System.Text.Json;
using Tollgate.Grains.Billing;

namespace Tollgate.Grains.Tests;

/// <summary>How a tenant's own subscription changes, without a silo: starts, trials, renewals, plan changes, cancelling.</summary>
public sealed class SubscriptionRulesTests
{
    private static readonly DateTimeOffset Jan31 = new(2026, 1, 31, 9, 30, 0, TimeSpan.Zero);

    private static PlanInfo Plan(string id, long priceMinor, int version = 1, params (string QuotaType, long Limit)[] quotas) =>
        new(id, id, null, priceMinor, "USD", BillingInterval.Month, 0, 7, quotas.ToDictionary(q => q.QuotaType, q => q.Limit),
            new Dictionary<string, JsonElement>(), null, false, false, version, DateTimeOffset.UnixEpoch);

    private static QuotaTypeInfo Messages =>
        new("chat/messages", "chat", "messages", "Messages", "message", QuotaWindow.Monthly, DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_start_with_trial_days_trials_until_they_end_and_its_period_ends_a_month_after_the_anchor()
    {
        var state = new SubscriptionState
        {
            Status = SubscriptionStatus.Canceled, CancelAtPeriodEnd = true, PendingPlanId = "old", Suspended = true,
        };

        state.Start(Plan("pro", 2_000, 3, ("chat/messages", 50_000)), SubscriptionSource.Operator, trialDays: 14, Jan31);

        Assert.Equal(("pro", 3, SubscriptionSource.Operator), (state.PlanId, state.PlanVersion, state.Source));
        Assert.Equal(SubscriptionStatus.Trialing, state.Status);
        Assert.Equal((Jan31, Jan31), (state.Anchor, state.PeriodStart));
        Assert.Equal(new DateTimeOffset(2026, 2, 28, 9, 30, 0, TimeSpan.Zero), state.PeriodEnd); // the month's last day
        Assert.Equal(Jan31.AddDays(14), state.TrialEnd);
        Assert.Equal((false, null, false, false), (state.CancelAtPeriodEnd, state.PendingPlanId, state.Suspended, state.Free));
        Assert.Equal(50_000, state.Entitlement(Messages).Limit);
    }

    [Fact]
    public void Passed_boundaries_come_due_trial_end_first_and_nothing_before_them()
    {
        var state = new SubscriptionState();
        state.Start(Plan("pro", 2_000), SubscriptionSource.Operator, trialDays: 14, Jan31);

        Assert.Equal(SubscriptionDue.Nothing, state.Due(Jan31.AddDays(13)));
        Assert.Equal(SubscriptionDue.TrialEnd, state.Due(Jan31.AddDays(100)));
        Assert.True(state.EndTrial()); // operator-granted: converts by itself
        Assert.Equal((SubscriptionStatus.Active, null), (state.Status, state.TrialEnd));
        Assert.Equal(SubscriptionDue.PeriodEnd, state.Due(Jan31.AddDays(100)));
        Assert.Equal(SubscriptionDue.Nothing, new SubscriptionState { PeriodEnd = Jan31 }.Due(Jan31.AddYears(1))); // no plan
    }

    [Fact]
    public void A_paid_self_service_trial_ends_without_converting_and_a_free_one_converts()
    {
        var paid = new SubscriptionState();
        paid.Start(Plan("pro", 2_000), SubscriptionSource.SelfService, trialDays: 7, Jan31);
        var free = new SubscriptionState();
        free.Start(Plan("free", 0), SubscriptionSource.SelfService, trialDays: 7, Jan31);

        Assert.False(paid.EndTrial());
        Assert.Equal((SubscriptionStatus.Trialing, null), (paid.Status, paid.TrialEnd));
        Assert.True(free.EndTrial());
        Assert.Equal(SubscriptionStatus.Active, free.Status);
    }

    [Fact]
    public void A_renewal_counts_from_the_anchor_and_takes_the_scheduled_plan()
    {
        var state = new SubscriptionState();
        state.Start(Plan("pro", 2_000, 1, ("chat/messages", 50_000)), SubscriptionSource.SelfService, 0, Jan31);
        state.PendingPlanId = "free";
        Assert.Equal("free", state.PlanAtRenewal());

        var feb28 = state.PeriodEnd;
        state.Renew(feb28, Plan("free", 0, 4, ("chat/messages", 100)));

        Assert.Equal(("free", 4, null, true), (state.PlanId, state.PlanVersion, state.PendingPlanId, state.Free));
        Assert.Equal((feb28, new DateTimeOffset(2026, 3, 31, 9, 30, 0, TimeSpan.Zero)), (state.PeriodStart, state.PeriodEnd));
        Assert.Equal(100, state.Entitlement(Messages).Limit);

        state.Renew(state.PeriodEnd, plan: null); // the catalog lost the plan: the tenant keeps what it has
        Assert.Equal(("free", new DateTimeOffset(2026, 4, 30, 9, 30, 0, TimeSpan.Zero)), (state.PlanId, state.PeriodEnd));
    }

    [Fact]
    public void A_plan_change_starts_stays_takes_back_a_scheduled_change_schedules_a_downgrade_or_upgrades()
    {
        var pro = Plan("pro", 2_000, 1, ("chat/messages", 50_000));
        var team = Plan("team", 5_000, 1, ("chat/messages", 90_000));
        var state = new SubscriptionState();

        Assert.Equal(PlanChangeStep.Start, state.ChangeTo(recordExists: false, pro, current: null));
        state.Start(pro, SubscriptionSource.SelfService, 0, Jan31);
        Assert.Equal(PlanChangeStep.Nothing, state.ChangeTo(true, pro, pro));
        Assert.Equal(PlanChangeStep.ScheduleDowngrade, state.ChangeTo(true, Plan("free", 0), pro));
        state.PendingPlanId = "free";
        Assert.Equal(PlanChangeStep.CancelPendingChange, state.ChangeTo(true, pro, pro));
        Assert.Equal(PlanChangeStep.Upgrade, state.ChangeTo(true, team, pro));
        Assert.Equal(PlanChangeStep.Upgrade, state.ChangeTo(true, Plan("free", 0), current: null)); // the current plan left the catalog

        state.Upgrade(team);
        Assert.Equal(("team", null, SubscriptionSource.SelfService), (state.PlanId, state.PendingPlanId, state.Source));
        Assert.Equal(Jan31, state.PeriodStart); // an upgrade keeps the period
    }

    [Fact]
    public void Cancelling_needs_a_subscription_not_managed_by_the_provider_nor_the_default_one_taken_by_default()
    {
        var defaultPlan = Plan("free", 0);
        var state = new SubscriptionState();
        Assert.Equal(SubscriptionError.NotFound, state.CancelRefusal(recordExists: true)?.Error);

        state.Start(defaultPlan, SubscriptionSource.Default, 0, Jan31);
        Assert.Equal(SubscriptionError.NotFound, state.CancelRefusal(recordExists: false)?.Error);
        Assert.Null(state.CancelRefusal(recordExists: true));
        Assert.True(state.IsOnDefaultPlan(defaultPlan));
        state.Source = SubscriptionSource.Operator;
        Assert.False(state.IsOnDefaultPlan(defaultPlan));

        state.Source = SubscriptionSource.Provider;
        state.Provider = new ProviderLink("stripe", "sub_1", "cus_1", ProviderSubscriptionStatus.Active, "price_1", Jan31, 1);
        Assert.Equal(SubscriptionError.Conflict, state.CancelRefusal(recordExists: true)?.Error);
        Assert.Contains("stripe", state.ResumeRefusal(recordExists: true)?.Detail);
    }

    [Fact]
    public void Only_a_scheduled_cancellation_can_be_resumed()
    {
        var state = new SubscriptionState();
        state.Start(Plan("pro", 2_000), SubscriptionSource.SelfService, 0, Jan31);

        Assert.Equal(SubscriptionError.Conflict, state.ResumeRefusal(recordExists: true)?.Error);
        state.CancelAtPeriodEnd = true;
        Assert.Null(state.ResumeRefusal(recordExists: true));
        Assert.Equal(SubscriptionError.Conflict, state.ResumeRefusal(recordExists: false)?.Error);
    }

    [Fact]
    public void Ending_without_a_default_plan_leaves_no_plan_and_no_quota()
    {
        var state = new SubscriptionState();
        state.Start(Plan("pro", 2_000, 1, ("chat/messages", 50_000)), SubscriptionSource.SelfService, 7, Jan31);
        state.CancelAtPeriodEnd = true;

        state.EndWithoutPlan();

        Assert.Equal(SubscriptionStatus.Canceled, state.Status);
        Assert.Equal((null, null, false), (state.PlanId, state.TrialEnd, state.CancelAtPeriodEnd));
        Assert.Empty(state.Quotas);
        Assert.Equal(0, state.Entitlement(Messages).Limit);
        Assert.Equal(SubscriptionDue.Nothing, state.Due(Jan31.AddYears(1)));
    }

    [Fact]
    public void A_suspended_subscription_entitles_to_nothing_and_its_window_follows_the_anchor()
    {
        var state = new SubscriptionState();
        state.Start(Plan("pro", 2_000, 1, ("chat/messages", 50_000)), SubscriptionSource.SelfService, 0, Jan31);
        state.Counters.Add("chat/seats");

        Assert.Equal(new QuotaEntitlement(true, 50_000, QuotaWindow.Monthly, Jan31), state.Entitlement(Messages));
        state.Suspended = true;
        Assert.Equal(0, state.Entitlement(Messages).Limit);
        Assert.Equal(new[] { "chat/messages", "chat/seats" }, state.QuotaTypes());
    }

    [Fact]
    public void The_reminder_aims_at_the_next_boundary_no_further_than_its_period()
    {
        var state = new SubscriptionState();
        state.Start(Plan("pro", 2_000), SubscriptionSource.SelfService, trialDays: 3, Jan31);
        Assert.Equal(Jan31.AddDays(3), state.NextLook());
        state.TrialEnd = null;
        Assert.Equal(state.PeriodEnd, state.NextLook());

        state.Source = SubscriptionSource.Provider;
        Assert.Null(state.NextLook()); // the provider renews: nothing to look at here
        state.GraceEndsAt = Jan31.AddDays(7);
        Assert.Equal(Jan31.AddDays(7), state.NextLook());
        Assert.False(state.GraceRanOut(Jan31.AddDays(6)));
        Assert.True(state.GraceRanOut(Jan31.AddDays(7)));
        state.Suspended = true;
        Assert.Null(state.NextLook());
        Assert.False(state.GraceRanOut(Jan31.AddDays(8)));

        Assert.Equal(TimeSpan.FromHours(1), SubscriptionRules.DueIn(Jan31.AddDays(2), Jan31, TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromMinutes(5), SubscriptionRules.DueIn(Jan31.AddMinutes(5), Jan31, TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.Zero, SubscriptionRules.DueIn(Jan31.AddMinutes(-5), Jan31, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Only_the_last_events_are_remembered()
    {
        var state = new SubscriptionState();
        for (var i = 0; i < SubscriptionRules.MaxRememberedEvents + 2; i++) state.Remember($"evt_{i}");

        Assert.Equal(SubscriptionRules.MaxRememberedEvents, state.AppliedEvents.Count);
        Assert.Equal("evt_2", state.AppliedEvents[0]);
        Assert.Equal($"evt_{SubscriptionRules.MaxRememberedEvents + 1}", state.AppliedEvents[^1]);
    }

    [Fact]
    public void What_callers_see_is_null_only_for_a_tenant_that_never_had_a_subscription()
    {
        var state = new SubscriptionState();
        Assert.Null(state.Info("ten_1", recordExists: false));
        Assert.NotNull(state.Info("ten_1", recordExists: true)); // stored, but its plan ended with no default to fall back to

        state.Start(Plan("pro", 2_000, 1, ("chat/messages", 50_000)), SubscriptionSource.SelfService, 0, Jan31);
        var info = state.Info("ten_1", recordExists: false)!;
        state.Quotas["chat/messages"] = 1; // the answer is a copy
        Assert.Equal(("ten_1", "pro", 50_000L), (info.TenantId, info.PlanId, info.Quotas["chat/messages"]));
    }
}

using System.Text.Json;
using Tollgate.Grains.Billing;
using Status = Tollgate.Grains.Billing.ProviderSubscriptionStatus;

namespace Tollgate.Grains.Tests;

/// <summary>How a payment provider's late, repeated or reordered reports change a tenant's subscription, without a silo.</summary>
public sealed class ProviderSubscriptionRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly PlanInfo Pro = new("pro", "Pro", null, 2_000, "USD", BillingInterval.Month, 0, GraceDays: 7,
        new Dictionary<string, long> { ["chat/messages"] = 50_000 }, new Dictionary<string, JsonElement>(), "price_pro", false, false, 2,
        DateTimeOffset.UnixEpoch);

    private static ProviderEvent Event(string id, DateTimeOffset created) => new(id, "customer.subscription.updated", created);

    private static ProviderSubscription Reported(string id, Status status, bool cancelAtPeriodEnd = false) =>
        new("stripe", id, "cus_1", status, "price_pro", T0, T0.AddMonths(1), T0.AddDays(14), cancelAtPeriodEnd, T0);

    private static ProviderInvoice Invoice(string subscriptionId, DateTimeOffset periodStart) =>
        new("stripe", "in_1", null, "cus_1", subscriptionId, "paid", 2_000, 2_000, "usd", periodStart, periodStart.AddMonths(1),
            null, null, null, 1, null, periodStart);

    /// <summary>A tenant on Pro through the provider subscription "sub_1", last reported at <see cref="T0"/>.</summary>
    private static SubscriptionState OnPro(Status status = Status.Active)
    {
        var state = new SubscriptionState();
        state.Sync(Event("evt_0", T0), Reported("sub_1", status), Pro, T0);
        state.Remember("evt_0");
        return state;
    }

    [Fact]
    public void A_live_report_takes_the_plan_period_and_status_and_a_trial_only_while_trialing()
    {
        var state = OnPro(Status.Trialing);

        Assert.Equal(("pro", 2, SubscriptionSource.Provider), (state.PlanId, state.PlanVersion, state.Source));
        Assert.Equal(SubscriptionStatus.Trialing, state.Status);
        Assert.Equal((T0, T0, T0.AddMonths(1), T0.AddDays(14)), (state.Anchor, state.PeriodStart, state.PeriodEnd, state.TrialEnd));
        Assert.Equal(new ProviderLink("stripe", "sub_1", "cus_1", Status.Trialing, "price_pro", T0, 1), state.Provider);

        state.Sync(Event("evt_1", T0.AddMinutes(1)), Reported("sub_1", Status.Active, cancelAtPeriodEnd: true), Pro, T0);
        Assert.Equal((SubscriptionStatus.Active, null, true), (state.Status, state.TrialEnd, state.CancelAtPeriodEnd));
    }

    [Fact]
    public void Past_due_starts_the_grace_period_once_and_suspends_when_it_already_ran_out()
    {
        var state = OnPro();

        state.Sync(Event("evt_1", T0.AddDays(1)), Reported("sub_1", Status.PastDue), Pro, now: T0.AddDays(1));
        Assert.Equal((SubscriptionStatus.PastDue, T0.AddDays(8), false), (state.Status, state.GraceEndsAt, state.Suspended));

        state.Sync(Event("evt_2", T0.AddDays(9)), Reported("sub_1", Status.PastDue), Pro, now: T0.AddDays(9));
        Assert.Equal((T0.AddDays(8), true), (state.GraceEndsAt, state.Suspended)); // the grace did not start again

        state.Sync(Event("evt_3", T0.AddDays(10)), Reported("sub_1", Status.Unpaid), Pro, now: T0.AddDays(10));
        Assert.Equal((null, true), (state.GraceEndsAt, state.Suspended)); // unpaid: no grace at all

        state.Sync(Event("evt_4", T0.AddDays(11)), Reported("sub_1", Status.Active), Pro, now: T0.AddDays(11));
        Assert.Equal((SubscriptionStatus.Active, null, false), (state.Status, state.GraceEndsAt, state.Suspended));
    }

    [Fact]
    public void A_redelivered_event_is_a_duplicate_and_an_older_one_is_stale()
    {
        var state = OnPro();

        Assert.Equal(ProviderReport.Duplicate, state.Assess(Event("evt_0", T0), Reported("sub_1", Status.PastDue)));
        Assert.Equal(ProviderReport.Stale, state.Assess(Event("evt_1", T0.AddSeconds(-1)), Reported("sub_1", Status.PastDue)));
        Assert.Equal(ProviderReport.Live, state.Assess(Event("evt_1", T0.AddSeconds(1)), Reported("sub_1", Status.PastDue)));
        // Within the same second an ended state wins over a live one, and a live one over one not yet paid.
        Assert.Equal(ProviderReport.Ended, state.Assess(Event("evt_1", T0), Reported("sub_1", Status.Canceled)));
        Assert.Equal(ProviderReport.Stale, state.Assess(Event("evt_1", T0), Reported("sub_1", Status.Incomplete)));
    }

    [Fact]
    public void Another_subscription_replaces_the_tenants_only_when_newer_and_ending_one_it_is_not_on_changes_nothing()
    {
        var state = OnPro();

        Assert.Equal(ProviderReport.Stale, state.Assess(Event("evt_1", T0.AddSeconds(-1)), Reported("sub_2", Status.Active)));
        Assert.Equal(ProviderReport.Live, state.Assess(Event("evt_1", T0.AddSeconds(1)), Reported("sub_2", Status.Active)));
        Assert.Equal(ProviderReport.Stale, state.Assess(Event("evt_1", T0.AddDays(1)), Reported("sub_2", Status.Canceled)));

        state.SetAside(Reported("sub_2", Status.Canceled));
        Assert.Contains("sub_2", state.EndedProviderSubscriptions);
        Assert.Equal(ProviderReport.Stale, state.Assess(Event("evt_2", T0.AddDays(2)), Reported("sub_2", Status.Active)));
    }

    [Fact]
    public void An_ended_subscription_stays_ended_and_lifts_grace_and_suspension()
    {
        var state = OnPro();
        state.Sync(Event("evt_1", T0), Reported("sub_1", Status.Unpaid), Pro, T0);

        state.End(Reported("sub_1", Status.Canceled));

        Assert.Equal((null, null, false), (state.Provider, state.GraceEndsAt, state.Suspended));
        Assert.Equal(ProviderReport.Stale, state.Assess(Event("evt_2", T0.AddDays(1)), Reported("sub_1", Status.Active)));
    }

    [Fact]
    public void A_first_subscription_not_yet_paid_waits_for_its_payment_but_one_already_paid_through_goes_live()
    {
        var state = new SubscriptionState { PlanId = "free", Source = SubscriptionSource.Default };
        var incomplete = Reported("sub_1", Status.Incomplete);

        Assert.Equal(ProviderReport.NotPaidYet, state.Assess(Event("evt_1", T0), incomplete));
        state.AwaitFirstPayment(Event("evt_1", T0), incomplete);
        Assert.Equal(("free", SubscriptionStatus.Incomplete, "sub_1"), (state.PlanId, state.Status, state.Provider?.SubscriptionId));

        Assert.Equal(ProviderReport.Live, OnPro().Assess(Event("evt_1", T0.AddSeconds(1)), incomplete));
    }

    [Fact]
    public void Only_an_invoice_of_the_current_period_of_the_tenants_subscription_changes_it()
    {
        var state = OnPro();

        Assert.Equal(InvoiceEffect.Paid, state.EffectOf(Invoice("sub_1", T0), PaymentOutcome.Succeeded));
        Assert.Equal(InvoiceEffect.Failed, state.EffectOf(Invoice("sub_1", T0), PaymentOutcome.Failed));
        Assert.Equal(InvoiceEffect.None, state.EffectOf(Invoice("sub_1", T0), PaymentOutcome.ActionRequired));
        Assert.Equal(InvoiceEffect.None, state.EffectOf(Invoice("sub_2", T0), PaymentOutcome.Succeeded));
        Assert.Equal(InvoiceEffect.None, state.EffectOf(Invoice("sub_1", T0.AddMonths(-1)), PaymentOutcome.Succeeded)); // an earlier period
        Assert.Equal(InvoiceEffect.None, state.EffectOf(Invoice("sub_1", T0) with { PeriodEnd = null }, PaymentOutcome.Succeeded));

        state.PaymentFailed(T0.AddDays(2), graceDays: 3, now: T0.AddDays(2));
        Assert.Equal((SubscriptionStatus.PastDue, T0.AddDays(5), false), (state.Status, state.GraceEndsAt, state.Suspended));
        Assert.Equal(InvoiceEffect.None, state.EffectOf(Invoice("sub_1", T0), PaymentOutcome.Failed)); // past due already
        state.PaymentFailed(T0.AddDays(2), graceDays: 0, now: T0.AddDays(2));
        Assert.True(state.Suspended);

        state.Paid(Invoice("sub_1", T0.AddMonths(1)));
        Assert.Equal((SubscriptionStatus.Active, null, false), (state.Status, state.GraceEndsAt, state.Suspended));
        Assert.Equal((T0.AddMonths(1), T0.AddMonths(2)), (state.PeriodStart, state.PeriodEnd));
        state.Paid(Invoice("sub_1", T0)); // an earlier period's payment does not move the period back
        Assert.Equal(T0.AddMonths(1), state.PeriodStart);

        Assert.Equal("billing.invoice_paid", ProviderSubscriptionRules.AuditAction(PaymentOutcome.Succeeded));
        Assert.Equal("billing.payment_failed", ProviderSubscriptionRules.AuditAction(PaymentOutcome.Failed));
        Assert.Equal("billing.payment_action_required", ProviderSubscriptionRules.AuditAction(PaymentOutcome.ActionRequired));
    }
}

using Tollgate.Grains.Credits;

namespace Tollgate.Grains.Billing;

/// <summary>
/// When a subscription's period grants its plan's <c>monthlyCredits</c>: once per period, at its start or renewal.
/// Only the current period is refilled: after downtime that spans several periods, the periods already over grant
/// nothing (their credits would have expired with them), and a refill still ungranted when its period ends goes
/// unless its credits roll over.
/// </summary>
public static class PlanRefills
{
    /// <summary>The wallet applies a grant once per key: one key per plan and period.</summary>
    public static string Key(PlanRefill refill) => $"plan_refill:{refill.PlanId}:{refill.PeriodStart.UtcTicks}";

    /// <summary>The grant the wallet receives: expiring at the period's end unless the plan's credits roll over.</summary>
    public static CreditGrant Grant(PlanRefill refill) =>
        new(refill.Credits, CreditSources.PlanRefill, Priority: 0, refill.RollOver ? null : refill.PeriodEnd, Key(refill), Reason: null);

    /// <summary>
    /// The period that just started (a new subscription or a renewal) on <paramref name="plan"/> refills; it replaces
    /// the refill of an earlier period not granted yet.
    /// </summary>
    public static void RefillPeriod(this SubscriptionState state, PlanInfo? plan)
    {
        state.RefilledPeriodStart = state.PeriodStart;
        state.PendingRefill = plan is { MonthlyCredits: > 0 }
            ? new PlanRefill(plan.Id, state.PeriodStart, state.PeriodEnd, plan.MonthlyCredits, plan.CreditsRollOver)
            : null;
    }

    /// <summary>
    /// A provider reports a subscription many times per period: its period refills the first time it is reported
    /// in good standing (active or trialing, quotas not suspended), so an unpaid renewal grants nothing until paid.
    /// </summary>
    public static void RefillIfNewPeriod(this SubscriptionState state, PlanInfo? plan)
    {
        if (state.RefilledPeriodStart == state.PeriodStart || state.Suspended
            || state.Status is not (SubscriptionStatus.Active or SubscriptionStatus.Trialing)) return;
        state.RefillPeriod(plan);
    }

    /// <summary>Whether the pending refill is still worth granting at <paramref name="now"/>: its credits would not be expired
    /// already.</summary>
    public static bool StillDue(PlanRefill refill, DateTimeOffset now) => refill.RollOver || refill.PeriodEnd > now;
}

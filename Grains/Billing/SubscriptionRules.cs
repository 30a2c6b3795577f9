using System.Text.Json;

namespace Tollgate.Grains.Billing;

/// <summary>What a subscription's trial or period boundary, once passed, asks for next.</summary>
public enum SubscriptionDue { Nothing, TrialEnd, PeriodEnd }

/// <summary>What a self-service change to a free plan does.</summary>
public enum PlanChangeStep { Start, Nothing, CancelPendingChange, ScheduleDowngrade, Upgrade }

/// <summary>
/// How a subscription changes: starting, renewing, trials, plan changes, cancelling, and what it entitles a
/// counter to. Pure: the grain looks up the catalog, stores the state, writes the audit and tells counters.
/// </summary>
public static class SubscriptionRules
{
    /// <summary>Providers redeliver events for days, not forever: the ids of this many last ones are kept.</summary>
    public const int MaxRememberedEvents = 500;

    /// <summary>The subscription as callers see it; null when the tenant never had one.</summary>
    public static SubscriptionInfo? Info(this SubscriptionState state, string tenantId, bool recordExists) =>
        !recordExists && state.PlanId is null ? null : new(
            tenantId, state.PlanId, state.PlanVersion, state.Status, state.Source, state.Anchor, state.PeriodStart, state.PeriodEnd,
            state.TrialEnd, state.CancelAtPeriodEnd, state.PendingPlanId, new Dictionary<string, long>(state.Quotas),
            new Dictionary<string, JsonElement>(state.Features),
            state.Provider is { } p ? new ProviderSubscriptionInfo(p.Provider, p.SubscriptionId, p.CustomerId, p.Status, p.PriceId) : null,
            state.GraceEndsAt, state.Suspended, state.Source == SubscriptionSource.Prepaid ? state.PaidThrough : null);

    /// <summary>What the audit log shows of a subscription before and after a change.</summary>
    public static object Summary(SubscriptionInfo s) =>
        new
        {
            planId = s.PlanId, status = WireNames.Of(s.Status), periodEnd = s.CurrentPeriodEnd, cancelAtPeriodEnd = s.CancelAtPeriodEnd,
            pendingPlanId = s.PendingPlanId, providerSubscriptionId = s.ProviderSubscription?.SubscriptionId,
            quotasSuspended = s.QuotasSuspended, paidThrough = s.PaidThrough,
        };

    /// <summary>A paid subscription changes at its provider first; the provider's report then changes it here.</summary>
    public static SubscriptionResult? ManagedByProvider(this SubscriptionState state) =>
        state.Source == SubscriptionSource.Provider && state.Provider is { } provider
            ? SubscriptionResult.Fail(SubscriptionError.Conflict,
                $"The subscription is paid through {provider.Provider}: change it there (billing portal), or cancel it here.")
            : null;

    /// <summary>Keeps the ids of the last <see cref="MaxRememberedEvents"/> events applied.</summary>
    public static void Remember(this SubscriptionState state, string eventId)
    {
        state.AppliedEvents.Add(eventId);
        var excess = state.AppliedEvents.Count - MaxRememberedEvents;
        if (excess > 0) state.AppliedEvents.RemoveRange(0, excess);
    }

    /// <summary>Puts the tenant on <paramref name="plan"/>'s version, limits and features; the period stays.</summary>
    public static void Take(this SubscriptionState state, PlanInfo plan, SubscriptionSource source)
    {
        state.PlanId = plan.Id;
        state.PlanVersion = plan.Version;
        state.Source = source;
        state.Free = plan.IsFree;
        state.Price = Analytics.SubscriptionRevenue.PriceOf(plan, source);
        state.Quotas = new Dictionary<string, long>(plan.Quotas);
        state.Features = new Dictionary<string, JsonElement>(plan.Features);
        if (state.Status is SubscriptionStatus.Canceled) state.Status = SubscriptionStatus.Active;
    }

    /// <summary>
    /// A new subscription to <paramref name="plan"/> anchored at <paramref name="at"/>, trialing if it has trial days; prepaid
    /// through the end of its <paramref name="prepaidPeriods"/>th period when some were paid in advance.
    /// </summary>
    public static void Start(this SubscriptionState state, PlanInfo plan, SubscriptionSource source, int trialDays, DateTimeOffset at,
        int prepaidPeriods = 0)
    {
        state.Take(plan, source);
        state.Anchor = at;
        state.Interval = plan.Interval;
        state.PeriodStart = at;
        state.PeriodEnd = Calendar.AddIntervals(at, plan.Interval, 1);
        state.TrialEnd = trialDays > 0 ? at.AddDays(trialDays) : null;
        state.Status = trialDays > 0 ? SubscriptionStatus.Trialing : SubscriptionStatus.Active;
        state.CancelAtPeriodEnd = false;
        state.PendingPlanId = null;
        (state.GraceEndsAt, state.Suspended) = (null, false);
        state.PaidThrough = prepaidPeriods > 0 ? Calendar.AddIntervals(at, plan.Interval, prepaidPeriods) : null;
    }

    /// <summary>The plan ended and there is no default plan to fall back to: no plan, no quotas.</summary>
    public static void EndWithoutPlan(this SubscriptionState state)
    {
        state.Status = SubscriptionStatus.Canceled;
        state.PlanId = null;
        state.Quotas = [];
        state.Features = [];
        state.CancelAtPeriodEnd = false;
        state.PendingPlanId = null;
        state.TrialEnd = null;
    }

    /// <summary>
    /// The next boundary already passed at <paramref name="now"/>: a trial end before a period end goes first.
    /// A subscription the provider manages has none here (the provider renews, converts trials and cancels).
    /// </summary>
    public static SubscriptionDue Due(this SubscriptionState state, DateTimeOffset now)
    {
        if (state.PlanId is null || !(state.TrialEnd <= now || state.PeriodEnd <= now)) return SubscriptionDue.Nothing;
        return state.TrialEnd is { } trialEnd && trialEnd <= state.PeriodEnd && trialEnd <= now
            ? SubscriptionDue.TrialEnd
            : SubscriptionDue.PeriodEnd;
    }

    /// <summary>
    /// Ends the trial. Free and operator-granted plans convert by themselves (true); a paid trial needs a
    /// payment (checkout), so the plan ends with it (false: the caller falls back to the default plan).
    /// </summary>
    public static bool EndTrial(this SubscriptionState state)
    {
        state.TrialEnd = null;
        if (!state.Free && state.Source != SubscriptionSource.Operator) return false;
        state.Status = SubscriptionStatus.Active;
        return true;
    }

    /// <summary>The plan the next period runs on: a scheduled downgrade's, or the current one's latest version.</summary>
    public static string PlanAtRenewal(this SubscriptionState state) => state.PendingPlanId ?? state.PlanId!;

    /// <summary>
    /// Starts the period that begins at <paramref name="boundary"/>, on <paramref name="plan"/> (see
    /// <see cref="PlanAtRenewal"/>) when the catalog still has it: plan changes take effect at renewal.
    /// </summary>
    public static void Renew(this SubscriptionState state, DateTimeOffset boundary, PlanInfo? plan)
    {
        if (plan is not null) state.Take(plan, state.Source);
        state.PendingPlanId = null;
        state.PeriodStart = boundary;
        state.PeriodEnd = Calendar.PeriodAt(state.Anchor, state.Interval, boundary).End;
    }

    /// <summary>
    /// A change to the free plan <paramref name="plan"/>; <paramref name="current"/> is the catalog's entry for
    /// the plan the tenant is on. A downgrade waits for the period's end, anything else applies at once.
    /// </summary>
    public static PlanChangeStep ChangeTo(this SubscriptionState state, bool recordExists, PlanInfo plan, PlanInfo? current)
    {
        if (!recordExists || state.PlanId is null) return PlanChangeStep.Start;
        if (state.PlanId == plan.Id) return state.PendingPlanId is null ? PlanChangeStep.Nothing : PlanChangeStep.CancelPendingChange;
        return current is not null && PlanChange.IsDowngrade(current, plan) ? PlanChangeStep.ScheduleDowngrade : PlanChangeStep.Upgrade;
    }

    public static void Upgrade(this SubscriptionState state, PlanInfo plan)
    {
        state.Take(plan, SubscriptionSource.SelfService);
        state.PendingPlanId = null;
    }

    /// <summary>Why the subscription cannot be cancelled here, before the catalog is asked; null when it may be.</summary>
    public static SubscriptionResult? CancelRefusal(this SubscriptionState state, bool recordExists) =>
        !recordExists || state.PlanId is null
            ? SubscriptionResult.Fail(SubscriptionError.NotFound, "The tenant has no subscription.")
            : state.ManagedByProvider();

    /// <summary>The default plan, taken by default, is what a cancellation ends on: there is nothing to cancel.</summary>
    public static bool IsOnDefaultPlan(this SubscriptionState state, PlanInfo? defaultPlan) =>
        defaultPlan?.Id == state.PlanId && state.Source == SubscriptionSource.Default;

    /// <summary>Why a scheduled cancellation cannot be taken back; null when it can.</summary>
    public static SubscriptionResult? ResumeRefusal(this SubscriptionState state, bool recordExists) =>
        state.ManagedByProvider()
        ?? (!recordExists || !state.CancelAtPeriodEnd
            ? SubscriptionResult.Fail(SubscriptionError.Conflict, "The subscription is not set to cancel; there is nothing to resume.")
            : null);

    /// <summary>Whether a past-due provider subscription's grace period ran out at <paramref name="now"/>, unsuspended so far.</summary>
    public static bool GraceRanOut(this SubscriptionState state, DateTimeOffset now) =>
        !state.Suspended && state.GraceEndsAt is { } graceEnd && graceEnd <= now;

    /// <summary>A counter's limit: nothing without a plan or while suspended; its window follows the anchor.</summary>
    public static QuotaEntitlement Entitlement(this SubscriptionState state, QuotaTypeInfo quota) =>
        new(true, state.PlanId is null || state.Suspended ? 0 : state.Quotas.GetValueOrDefault(quota.Id), quota.Window, state.Anchor);

    /// <summary>The plan's quota types and those whose counters asked, in order.</summary>
    public static IReadOnlyList<string> QuotaTypes(this SubscriptionState state) =>
        state.Quotas.Keys.Union(state.Counters).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// When the grain must look at the subscription again: its next trial or period end, or for a provider's
    /// subscription the end of a running grace period. Null when nothing is due (the reminder goes).
    /// </summary>
    public static DateTimeOffset? NextLook(this SubscriptionState state)
    {
        if (state.Source == SubscriptionSource.Provider) return state.GraceEndsAt is { } graceEnd && !state.Suspended ? graceEnd : null;
        if (state.Source == SubscriptionSource.Prepaid) return state.NextPrepaidLook();
        return state.TrialEnd is { } trialEnd && trialEnd < state.PeriodEnd ? trialEnd : state.PeriodEnd;
    }

    /// <summary>
    /// Until <paramref name="at"/>, but no longer than the reminder's <paramref name="period"/>: the grain's clock
    /// may not be the reminders' clock.
    /// </summary>
    public static TimeSpan DueIn(DateTimeOffset at, DateTimeOffset now, TimeSpan period) =>
        TimeSpan.FromTicks(Math.Clamp((at - now).Ticks, 0, period.Ticks));
}

namespace Tollgate.Grains.Billing;

/// <summary>What a prepaid subscription's clock asks for next, in the order the instants come.</summary>
public enum PrepaidDue { Nothing, PeriodEnd, Expiring, Lapse }

/// <summary>
/// Periods paid in advance with one-time orders (Alipay, WeChat Pay). More of the plan the tenant prepays extends it from
/// its paid-through end; any other plan starts now, and what remained of another prepaid plan is given up (nothing is
/// carried over). Inside the paid span the periods roll over as any subscription's do; nothing renews past it: the
/// tenant hears <c>subscription.expiring</c> 3 days before the end, once, and lapses to the default plan at the end.
/// Pure: the grain looks up the catalog, stores the state, writes the audit and its events.
/// </summary>
public static class PrepaidRules
{
    public const int MinPeriods = 1;
    public const int MaxPeriods = 36;

    /// <summary>How long before the paid span ends the tenant is told.</summary>
    public static readonly TimeSpan ExpiringNotice = TimeSpan.FromDays(3);

    /// <summary>The audit action (and event <c>change</c>) of a prepaid subscription started by an order.</summary>
    public const string StartedAction = "subscription.prepaid";
    /// <summary>The audit action of more periods of the prepaid plan.</summary>
    public const string ExtendedAction = "subscription.extended";
    /// <summary>The audit action of the notice that the paid span ends in <see cref="ExpiringNotice"/>.</summary>
    public const string ExpiringAction = "subscription.expiring";

    /// <summary>Why an order's periods cannot apply; null when they can. <paramref name="plan"/> is the catalog's entry, if any.</summary>
    public static SubscriptionResult? PrepaidRefusal(this SubscriptionState state, PrepaidPeriods prepaid, PlanInfo? plan)
    {
        if (prepaid.Periods is < MinPeriods or > MaxPeriods)
            return SubscriptionResult.Fail(SubscriptionError.Invalid, $"An order pays for {MinPeriods} to {MaxPeriods} periods.");
        if (plan is null) return SubscriptionResult.Fail(SubscriptionError.NotFound, $"No plan '{prepaid.PlanId}'.");
        if (plan.IsFree)
            return SubscriptionResult.Fail(SubscriptionError.Invalid, $"Plan '{plan.Id}' is free: there is nothing to prepay.");
        // Two payers for one plan: the order's payment is refunded rather than the tenant billed twice.
        return state.Source == SubscriptionSource.Provider
            ? SubscriptionResult.Fail(SubscriptionError.Conflict,
                $"The subscription is paid through {state.Provider?.Provider ?? "a payment provider"}: cancel it there before prepaying.")
            : null;
    }

    /// <summary>Whether the periods extend the paid span (the tenant prepays this very plan) rather than start the plan now.</summary>
    public static bool Extends(this SubscriptionState state, PlanInfo plan) =>
        state.Source == SubscriptionSource.Prepaid && state.PlanId == plan.Id && state.PaidThrough is not null;

    /// <summary>Moves the paid-through end on by <paramref name="periods"/> periods of the subscription's own calendar.</summary>
    public static void ExtendBy(this SubscriptionState state, int periods) =>
        state.PaidThrough = PeriodsAfter(state.Anchor, state.Interval, state.PaidThrough!.Value, periods);

    /// <summary>
    /// The boundary <paramref name="periods"/> periods after <paramref name="from"/>, counted from the anchor as every
    /// boundary is (an anchor on the 31st keeps coming back to the 31st).
    /// </summary>
    public static DateTimeOffset PeriodsAfter(DateTimeOffset anchor, BillingInterval interval, DateTimeOffset from, int periods)
    {
        var end = from;
        for (var i = 0; i < periods; i++) end = Calendar.PeriodAt(anchor, interval, end).End;
        return end;
    }

    /// <summary>
    /// The next instant already passed at <paramref name="now"/>: a period end inside the paid span (a renewal), the
    /// expiring notice, or the end of the paid span (the lapse), earliest first. After downtime past the end itself the
    /// notice is skipped: it would announce an end that already came; the lapse says it.
    /// </summary>
    public static PrepaidDue DuePrepaid(this SubscriptionState state, DateTimeOffset now)
    {
        if (state.Source != SubscriptionSource.Prepaid || state.PlanId is null || state.PaidThrough is not { } end)
            return PrepaidDue.Nothing;
        var (boundary, due) = state.PeriodEnd < end ? (state.PeriodEnd, PrepaidDue.PeriodEnd) : (end, PrepaidDue.Lapse);
        var notice = end - ExpiringNotice;
        if (state.ExpiryAnnouncedFor != end && now < end && notice <= now && notice < boundary) return PrepaidDue.Expiring;
        return boundary <= now ? due : PrepaidDue.Nothing;
    }

    /// <summary>When a prepaid subscription must be looked at again: its next period end, notice or end.</summary>
    public static DateTimeOffset? NextPrepaidLook(this SubscriptionState state)
    {
        if (state.PaidThrough is not { } end) return state.PeriodEnd;
        var boundary = state.PeriodEnd < end ? state.PeriodEnd : end;
        var notice = end - ExpiringNotice;
        return state.ExpiryAnnouncedFor != end && notice < boundary ? notice : boundary;
    }

    /// <summary>The notice goes out once per end.</summary>
    public static void AnnounceExpiry(this SubscriptionState state) => state.ExpiryAnnouncedFor = state.PaidThrough;

    /// <summary>
    /// A prepaid subscription ends by itself at its paid-through end, so there is no cancelling at the period's end, and no
    /// self-service change of plan inside a span paid for (either would give up periods paid for). Null when not prepaid.
    /// </summary>
    public static SubscriptionResult? PrepaidChangeRefusal(this SubscriptionState state) =>
        state.Source == SubscriptionSource.Prepaid && state.PaidThrough is { } end
            ? SubscriptionResult.Fail(SubscriptionError.Conflict,
                $"The subscription is prepaid through {end:O} and ends then by itself: buy more periods to extend it, or cancel now.")
            : null;
}

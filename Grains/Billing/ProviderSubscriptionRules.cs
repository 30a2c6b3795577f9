namespace Tollgate.Grains.Billing;

/// <summary>What a provider's report of a subscription does to the tenant's.</summary>
public enum ProviderReport
{
    /// <summary>The event was applied already.</summary>
    Duplicate,
    /// <summary>Older than what was applied, about a subscription that ended, or ending one the tenant is not on.</summary>
    Stale,
    /// <summary>The tenant's provider subscription ended: it falls back to the default plan.</summary>
    Ended,
    /// <summary>A new subscription not paid yet: the tenant keeps what it has until the first payment.</summary>
    NotPaidYet,
    /// <summary>The subscription is live: the tenant takes its plan and period.</summary>
    Live,
}

/// <summary>Whether a provider's invoice changes the subscription, and how.</summary>
public enum InvoiceEffect { None, Paid, Failed }

/// <summary>
/// How a payment provider's reports (subscriptions and invoices) change a tenant's subscription: the provider
/// is the source of truth for paid plans, and its events arrive late, twice or out of order.
/// </summary>
public static class ProviderSubscriptionRules
{
    public static ProviderReport Assess(this SubscriptionState state, ProviderEvent providerEvent, ProviderSubscription reported)
    {
        if (state.AppliedEvents.Contains(providerEvent.Id)) return ProviderReport.Duplicate;
        var rank = ProviderStatusRules.Rank(reported.Status);
        var current = state.Provider?.SubscriptionId == reported.Id ? state.Provider : null;
        var stale = state.EndedProviderSubscriptions.Contains(reported.Id)
            || current is not null && (providerEvent.Created, rank).CompareTo((current.ReportedAt, current.Rank)) < 0
            // Another subscription than the one the tenant is on: only a newer one replaces it.
            || current is null && state.Provider is { } other && !reported.IsEnded && providerEvent.Created < other.ReportedAt;
        if (stale || (reported.IsEnded && current is null)) return ProviderReport.Stale;
        if (reported.IsEnded) return ProviderReport.Ended;
        return reported.Status == ProviderSubscriptionStatus.Incomplete && state.Source != SubscriptionSource.Provider
            ? ProviderReport.NotPaidYet
            : ProviderReport.Live;
    }

    /// <summary>A stale report changes nothing, but an ended subscription stays ended: its older events are ignored.</summary>
    public static void SetAside(this SubscriptionState state, ProviderSubscription reported)
    {
        if (reported.IsEnded) state.EndedProviderSubscriptions.Add(reported.Id);
    }

    /// <summary>The provider subscription ended; the caller falls back to the default plan.</summary>
    public static void End(this SubscriptionState state, ProviderSubscription reported)
    {
        state.EndedProviderSubscriptions.Add(reported.Id);
        state.Provider = null;
        (state.GraceEndsAt, state.Suspended) = (null, false);
    }

    /// <summary>Links the subscription not paid yet; the tenant keeps its plan until the first payment goes through.</summary>
    public static void AwaitFirstPayment(this SubscriptionState state, ProviderEvent providerEvent, ProviderSubscription reported)
    {
        state.Provider = Link(providerEvent, reported);
        state.Status = SubscriptionStatus.Incomplete;
    }

    /// <summary>
    /// Takes a live subscription's plan, period, trial and status. Past due starts the plan's grace period at
    /// the event (once); quotas are suspended when the status says so at once or the grace already ran out.
    /// </summary>
    public static void Sync(this SubscriptionState state, ProviderEvent providerEvent, ProviderSubscription reported, PlanInfo plan,
        DateTimeOffset now)
    {
        state.Take(plan, SubscriptionSource.Provider);
        state.Provider = Link(providerEvent, reported);
        state.Anchor = reported.BillingAnchor;
        state.Interval = plan.Interval;
        state.PeriodStart = reported.PeriodStart;
        state.PeriodEnd = reported.PeriodEnd;
        state.TrialEnd = reported.Status == ProviderSubscriptionStatus.Trialing ? reported.TrialEnd : null;
        state.CancelAtPeriodEnd = reported.CancelAtPeriodEnd;
        state.PendingPlanId = null;
        state.Status = ProviderStatusRules.ToSubscriptionStatus(reported.Status);
        if (reported.Status == ProviderSubscriptionStatus.PastDue) state.GraceEndsAt ??= providerEvent.Created.AddDays(plan.GraceDays);
        else state.GraceEndsAt = null;
        state.Suspended = ProviderStatusRules.SuspendsAtOnce(reported.Status) || state.GraceEndsAt <= now;
    }

    private static ProviderLink Link(ProviderEvent providerEvent, ProviderSubscription reported) =>
        new(reported.Provider, reported.Id, reported.CustomerId, reported.Status, reported.PriceId, providerEvent.Created,
            ProviderStatusRules.Rank(reported.Status));

    /// <summary>
    /// Only an invoice of the current period of the subscription the tenant is on changes the subscription: a
    /// payment settles it, a failed payment of an active one makes it past due.
    /// </summary>
    public static InvoiceEffect EffectOf(this SubscriptionState state, ProviderInvoice invoice, PaymentOutcome payment)
    {
        if (state.Source != SubscriptionSource.Provider || invoice.SubscriptionId is null
            || state.Provider?.SubscriptionId != invoice.SubscriptionId || !(invoice.PeriodEnd >= state.PeriodEnd))
            return InvoiceEffect.None;
        if (payment == PaymentOutcome.Succeeded) return InvoiceEffect.Paid;
        return payment == PaymentOutcome.Failed && state.Status is SubscriptionStatus.Active ? InvoiceEffect.Failed : InvoiceEffect.None;
    }

    /// <summary>A paid invoice moves the period on when it bills a later one, and ends past due and any suspension.</summary>
    public static void Paid(this SubscriptionState state, ProviderInvoice invoice)
    {
        if (invoice.PeriodStart is { } start && invoice.PeriodEnd is { } end && start > state.PeriodStart)
            (state.PeriodStart, state.PeriodEnd) = (start, end);
        if (state.Status is SubscriptionStatus.PastDue or SubscriptionStatus.Incomplete) state.Status = SubscriptionStatus.Active;
        (state.GraceEndsAt, state.Suspended) = (null, false);
    }

    /// <summary>A failed payment: past due; quotas stop <paramref name="graceDays"/> after <paramref name="failedAt"/>.</summary>
    public static void PaymentFailed(this SubscriptionState state, DateTimeOffset failedAt, int graceDays, DateTimeOffset now)
    {
        state.Status = SubscriptionStatus.PastDue;
        state.GraceEndsAt = failedAt.AddDays(graceDays);
        state.Suspended = state.GraceEndsAt <= now;
    }

    /// <summary>The audit action of an invoice event.</summary>
    public static string AuditAction(PaymentOutcome payment) => payment switch
    {
        PaymentOutcome.Succeeded => "billing.invoice_paid",
        PaymentOutcome.Failed => "billing.payment_failed",
        _ => "billing.payment_action_required",
    };
}

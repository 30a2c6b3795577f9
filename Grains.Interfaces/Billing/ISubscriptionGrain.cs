using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Billing;

/// <summary>
/// A tenant's subscription (key: tenant id). A reminder wakes it at the next period end or trial
/// end; every boundary passed meanwhile is applied once, from state, so late or repeated ticks
/// change nothing more. It tells the tenant's quota counters when their limits change.
/// </summary>
[Alias("tollgate.ISubscriptionGrain")]
public interface ISubscriptionGrain : IGrainWithStringKey, IRemindable
{
    /// <summary>The subscription, after applying any boundary already passed; null when the tenant has none.</summary>
    Task<SubscriptionInfo?> Get();

    /// <summary>Starts the default plan if the tenant has no subscription yet (registration, new tenants).</summary>
    Task<SubscriptionInfo?> StartDefault(AuditActor actor);

    /// <summary>The operator puts the tenant on any active plan, at once, with an optional trial.</summary>
    Task<SubscriptionResult> Grant(string planId, int? trialDays, AuditActor actor);

    /// <summary>Self-service change to a free plan: an upgrade applies at once, a downgrade at period end.</summary>
    Task<SubscriptionResult> ChangePlan(string planId, AuditActor actor);

    Task<SubscriptionResult> Cancel(bool atPeriodEnd, AuditActor actor);
    Task<SubscriptionResult> Resume(AuditActor actor);

    /// <summary>
    /// Applies the payment provider's view of the tenant's subscription, reported by event
    /// <paramref name="providerEvent"/>. Each event applies once; a state older than one already
    /// applied (by the event's time) is ignored, so any delivery order ends in the same state.
    /// </summary>
    Task<ProviderEventOutcome> ApplyProviderSubscription(ProviderEvent providerEvent, ProviderSubscription subscription, AuditActor actor);

    /// <summary>
    /// Records an invoice event and the payment attempt it reports, once per event. A paid invoice
    /// for the current period renews it and ends past-due; a failed one makes it past due.
    /// </summary>
    Task<ProviderEventOutcome> ApplyProviderInvoice(ProviderEvent providerEvent, ProviderInvoice invoice, PaymentOutcome payment, AuditActor actor);

    /// <summary>Takes the current version of the plan at once (a plan updated with applyNow).</summary>
    Task RefreshPlan();

    /// <summary>Called by a counter: its entitlement, and the counter is told about later changes.</summary>
    Task<QuotaEntitlement> GetEntitlement(string quotaType);

    /// <summary>The quota types this tenant has counters for or is entitled to.</summary>
    Task<IReadOnlyList<string>> GetQuotaTypes();

    /// <summary>
    /// Extends the tenant's prepaid subscription to <see cref="PrepaidPeriods.PlanId"/> by the periods an order paid for:
    /// from the current period's end when the tenant is already on that plan, from now otherwise. Applied once per
    /// <see cref="PrepaidPeriods.OrderId"/>: a repeat answers the subscription as it is.
    /// </summary>
    Task<SubscriptionResult> ApplyPrepaidPeriods(PrepaidPeriods prepaid, AuditActor actor);
}

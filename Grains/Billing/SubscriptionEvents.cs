using Tollgate.Grains.Events;

namespace Tollgate.Grains.Billing;

/// <summary>
/// Which tenant event a subscription's change is, and what it says: the subscription after the change (plan, status,
/// period) and what it was before; for invoices, the invoice with its amounts in minor units.
/// </summary>
public static class SubscriptionEvents
{
    /// <summary>The action a paid or failed invoice changed the subscription with (its audit record is the invoice's).</summary>
    public const string InvoiceAction = "invoice";

    /// <summary>The event type of a change the audit log names <paramref name="action"/>; null when it is no event.</summary>
    public static string? TypeOf(string action, SubscriptionInfo? before, SubscriptionInfo? after)
    {
        if (after is null) return null;
        if (after.Status == SubscriptionStatus.PastDue
            && before?.Status != SubscriptionStatus.PastDue) return TenantEventTypes.SubscriptionPastDue;
        return action switch
        {
            "subscription.started" or "subscription.granted" or PrepaidRules.StartedAction => TenantEventTypes.SubscriptionCreated,
            PrepaidRules.ExpiringAction => TenantEventTypes.SubscriptionExpiring,
            "subscription.canceled" or "subscription.trial_expired" => TenantEventTypes.SubscriptionCanceled,
            "subscription.renewed" => TenantEventTypes.SubscriptionRenewed,
            // A provider's subscription Tollgate has not seen before is a new subscription; another report of it, a change.
            "subscription.synced" when before?.ProviderSubscription?.SubscriptionId != after.ProviderSubscription?.SubscriptionId =>
                TenantEventTypes.SubscriptionCreated,
            InvoiceAction when before is not null && after.CurrentPeriodEnd > before.CurrentPeriodEnd
                => TenantEventTypes.SubscriptionRenewed,
            InvoiceAction when before is not null && after.Status == before.Status
                && after.QuotasSuspended == before.QuotasSuspended => null,
            _ => TenantEventTypes.SubscriptionUpdated,
        };
    }

    /// <summary>The event's data: the subscription now, the change that made it, and the plan and status before.</summary>
    public static object Data(string action, SubscriptionInfo? before, SubscriptionInfo after) => new
    {
        change = action.StartsWith("subscription.", StringComparison.Ordinal) ? action["subscription.".Length..] : action,
        planId = after.PlanId,
        status = WireNames.Of(after.Status),
        currentPeriodStart = after.CurrentPeriodStart,
        currentPeriodEnd = after.CurrentPeriodEnd,
        trialEnd = after.TrialEnd,
        cancelAtPeriodEnd = after.CancelAtPeriodEnd,
        pendingPlanId = after.PendingPlanId,
        quotasSuspended = after.QuotasSuspended,
        graceEndsAt = after.GraceEndsAt,
        paidThrough = after.PaidThrough,
        providerSubscriptionId = after.ProviderSubscription?.SubscriptionId,
        previousPlanId = before?.PlanId,
        previousStatus = before is null ? null : WireNames.Of(before.Status),
    };

    public static string InvoiceTypeOf(PaymentOutcome payment) => payment switch
    {
        PaymentOutcome.Succeeded => TenantEventTypes.InvoicePaid,
        PaymentOutcome.Failed => TenantEventTypes.InvoicePaymentFailed,
        _ => TenantEventTypes.InvoicePaymentActionRequired,
    };

    public static object InvoiceData(ProviderInvoice invoice, PaymentOutcome payment) => new
    {
        invoiceId = invoice.Id,
        invoice.Provider,
        invoice.Number,
        invoice.Status,
        invoice.AmountDue,
        invoice.AmountPaid,
        invoice.Currency,
        invoice.SubscriptionId,
        invoice.PeriodStart,
        invoice.PeriodEnd,
        invoice.BillingReason,
        invoice.AttemptCount,
        nextPaymentAttempt = payment == PaymentOutcome.Failed ? invoice.NextPaymentAttempt : null,
        invoice.HostedInvoiceUrl,
    };
}

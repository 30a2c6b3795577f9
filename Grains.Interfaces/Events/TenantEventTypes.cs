namespace Tollgate.Grains.Events;

/// <summary>The events tenants' webhook endpoints may subscribe to, as they are named on the wire.</summary>
public static class TenantEventTypes
{
    public const string QuotaThreshold = "quota.threshold";
    public const string QuotaExhausted = "quota.exhausted";
    /// <summary>A quota alert's value is back under its threshold (a window reset, a refund, a larger limit).</summary>
    public const string QuotaResolved = "quota.resolved";
    public const string CreditsLow = "credits.low";
    /// <summary>The available credit balance is back at or over the low-balance threshold.</summary>
    public const string CreditsResolved = "credits.resolved";
    public const string CreditsGranted = "credits.granted";
    public const string WebhookEndpointDisabled = "webhook_endpoint.disabled";
    /// <summary>A tenant starts a subscription (its first, or a new plan granted or started over the last).</summary>
    public const string SubscriptionCreated = "subscription.created";
    /// <summary>A change within the subscription: plan changed or scheduled, cancellation scheduled or withdrawn, trial
    /// converted.</summary>
    public const string SubscriptionUpdated = "subscription.updated";
    /// <summary>The subscription ended (cancelled now or at period end, or its trial ran out); the tenant is on the default plan, if
    /// any.</summary>
    public const string SubscriptionCanceled = "subscription.canceled";
    /// <summary>A prepaid subscription ends in 3 days and nothing renews it (Alipay and WeChat Pay orders).</summary>
    public const string SubscriptionExpiring = "subscription.expiring";
    /// <summary>A new period began.</summary>
    public const string SubscriptionRenewed = "subscription.renewed";
    /// <summary>A payment failed: the subscription is past due, its quotas kept for the plan's grace days.</summary>
    public const string SubscriptionPastDue = "subscription.past_due";
    public const string InvoicePaid = "invoice.paid";
    public const string InvoicePaymentFailed = "invoice.payment_failed";
    public const string InvoicePaymentActionRequired = "invoice.payment_action_required";

    /// <summary>Every type, as endpoints subscribe to them.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        QuotaThreshold, QuotaExhausted, QuotaResolved, CreditsLow, CreditsResolved, CreditsGranted, WebhookEndpointDisabled,
        SubscriptionCreated, SubscriptionUpdated, SubscriptionCanceled, SubscriptionExpiring, SubscriptionRenewed, SubscriptionPastDue,
        InvoicePaid, InvoicePaymentFailed, InvoicePaymentActionRequired,
    ];
}

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
}

using System.Text.Json;

namespace Tollgate.Grains.Billing;

/// <param name="PaidThrough">A prepaid subscription's end (the last period paid for); null for any other.</param>
[GenerateSerializer, Immutable, Alias("tollgate.SubscriptionInfo")]
public sealed record SubscriptionInfo(
    string TenantId, string? PlanId, int PlanVersion, SubscriptionStatus Status, SubscriptionSource Source,
    DateTimeOffset Anchor, DateTimeOffset CurrentPeriodStart, DateTimeOffset CurrentPeriodEnd, DateTimeOffset? TrialEnd,
    bool CancelAtPeriodEnd, string? PendingPlanId,
    IReadOnlyDictionary<string, long> Quotas, IReadOnlyDictionary<string, JsonElement> Features,
    ProviderSubscriptionInfo? ProviderSubscription, DateTimeOffset? GraceEndsAt, bool QuotasSuspended,
    DateTimeOffset? PaidThrough = null);

namespace Tollgate.Grains.Billing;

/// <summary>A subscription as the payment provider has it: the provider is the source of truth for paid plans.</summary>
/// <param name="PriceId">The provider's price: the plan whose <c>stripePriceId</c> it is.</param>
/// <param name="BillingAnchor">The day periods renew on; quota windows follow it.</param>
[GenerateSerializer, Immutable, Alias("tollgate.ProviderSubscription")]
public sealed record ProviderSubscription(
    string Provider, string Id, string CustomerId, ProviderSubscriptionStatus Status, string? PriceId,
    DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, DateTimeOffset? TrialEnd, bool CancelAtPeriodEnd, DateTimeOffset BillingAnchor)
{
    /// <summary>No payment can bring it back: the tenant falls back to the default plan.</summary>
    public bool IsEnded => Status is ProviderSubscriptionStatus.Canceled or ProviderSubscriptionStatus.IncompleteExpired;
}

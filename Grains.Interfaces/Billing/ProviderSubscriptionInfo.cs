namespace Tollgate.Grains.Billing;

/// <summary>The payment provider's subscription behind a paid plan, as last reported.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.ProviderSubscriptionInfo")]
public sealed record ProviderSubscriptionInfo(string Provider, string SubscriptionId, string CustomerId, ProviderSubscriptionStatus Status, string? PriceId);

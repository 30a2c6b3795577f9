namespace Tollgate.Grains.Billing;

/// <summary>A payment provider's subscription statuses (Stripe's set; other providers map onto it).</summary>
public enum ProviderSubscriptionStatus { Incomplete, IncompleteExpired, Trialing, Active, PastDue, Unpaid, Paused, Canceled }

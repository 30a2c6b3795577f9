namespace Tollgate.Grains.Billing;

/// <summary>How the tenant came to this plan: it decides what happens at trial end and renewal.</summary>
/// <remarks><see cref="Provider"/>: paid through a payment provider, which then decides renewals, trial ends and cancellation.</remarks>
public enum SubscriptionSource { Default, Operator, SelfService, Provider }

namespace Tollgate.Grains.Billing;

/// <summary>How the tenant came to this plan: it decides what happens at trial end and renewal.</summary>
/// <remarks>
/// <see cref="Provider"/>: paid through a payment provider, which then decides renewals, trial ends and cancellation.
/// <see cref="Prepaid"/>: periods paid in advance with one-time orders (Alipay, WeChat Pay); nothing renews it, and it lapses
/// to the default plan at the end of the last period paid.
/// </remarks>
public enum SubscriptionSource { Default, Operator, SelfService, Provider, Prepaid }

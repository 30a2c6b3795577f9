namespace Tollgate.Grains.Billing;

public enum SubscriptionStatus { Trialing, Active, PastDue, Canceled, Incomplete }

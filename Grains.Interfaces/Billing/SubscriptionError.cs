namespace Tollgate.Grains.Billing;

public enum SubscriptionError { None, NotFound, Conflict, Invalid }

namespace Tollgate.Grains.Billing;

public enum BillingInterval { Month, Year }

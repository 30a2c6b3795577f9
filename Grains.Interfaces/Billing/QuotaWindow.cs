namespace Tollgate.Grains.Billing;

public enum QuotaWindow { Daily, Monthly, Yearly, Lifetime }

namespace Tollgate.Grains.Billing;

public enum ProviderEventOutcome { Applied, Duplicate, Stale }

using Tollgate.Grains.Billing;

namespace Tollgate.Grains.Analytics;

/// <summary>What a subscription's plan costs the tenant: its price, in the currency the tenant pays, per interval.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.PricedPlan")]
public sealed record PricedPlan(long PriceMinor, string Currency, BillingInterval Interval);

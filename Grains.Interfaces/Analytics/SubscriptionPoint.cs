using Tollgate.Grains.Billing;

namespace Tollgate.Grains.Analytics;

/// <summary>A subscription as revenue analytics sees it at one moment: what its plan costs and its status.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.SubscriptionPoint")]
public sealed record SubscriptionPoint(PricedPlan Plan, SubscriptionStatus Status);

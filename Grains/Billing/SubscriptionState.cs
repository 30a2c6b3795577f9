using System.Text.Json;
using Tollgate.Grains.Analytics;

namespace Tollgate.Grains.Billing;

public sealed class SubscriptionState
{
    public string? PlanId { get; set; }
    public int PlanVersion { get; set; }
    public SubscriptionStatus Status { get; set; }
    public SubscriptionSource Source { get; set; }
    public DateTimeOffset Anchor { get; set; }
    public BillingInterval Interval { get; set; }
    public DateTimeOffset PeriodStart { get; set; }
    public DateTimeOffset PeriodEnd { get; set; }
    public DateTimeOffset? TrialEnd { get; set; }
    public bool CancelAtPeriodEnd { get; set; }
    public string? PendingPlanId { get; set; }
    public bool Free { get; set; }
    public Dictionary<string, long> Quotas { get; set; } = [];
    public Dictionary<string, JsonElement> Features { get; set; } = [];
    /// <summary>Quota types whose counters asked for their entitlement: they hear of changes.</summary>
    public HashSet<string> Counters { get; set; } = [];

    /// <summary>The provider subscription the tenant pays through (live or not yet paid), if any.</summary>
    public ProviderLink? Provider { get; set; }
    /// <summary>While past due: when the plan's grace period ends and quotas are suspended.</summary>
    public DateTimeOffset? GraceEndsAt { get; set; }
    public bool Suspended { get; set; }
    /// <summary>Provider events already applied, newest last: a redelivery changes nothing.</summary>
    public List<string> AppliedEvents { get; set; } = [];
    /// <summary>Provider subscriptions that ended: ending is final, so later-delivered older events are ignored.</summary>
    public HashSet<string> EndedProviderSubscriptions { get; set; } = [];

    /// <summary>The current period's plan refill until the wallet has it: set in the write that starts the period, retried until
    /// granted.</summary>
    public PlanRefill? PendingRefill { get; set; }
    /// <summary>The start of the last period a refill was set for: a provider's repeated reports of one period refill once.</summary>
    public DateTimeOffset? RefilledPeriodStart { get; set; }

    /// <summary>A prepaid subscription's end: the last period paid for ends here and nothing renews it.</summary>
    public DateTimeOffset? PaidThrough { get; set; }
    /// <summary>The end whose <c>subscription.expiring</c> went out: one notice per end, a later extension earns another.</summary>
    public DateTimeOffset? ExpiryAnnouncedFor { get; set; }
    /// <summary>Orders whose periods were applied: a repeat (a duplicate notification, a poll) changes nothing.</summary>
    public HashSet<string> AppliedOrders { get; set; } = [];

    /// <summary>What the plan costs the tenant (revenue analytics); null for states stored before it was kept.</summary>
    public PricedPlan? Price { get; set; }
    /// <summary>The subscription as revenue analytics last counted it (<see cref="SubscriptionRevenue"/>).</summary>
    public SubscriptionPoint? CountedPoint { get; set; }
    /// <summary>How many changes moved revenue figures: each change's movements are named by its number.</summary>
    public long RevenueChanges { get; set; }
    /// <summary>Revenue movements stored with their change and not yet taken by their month grain.</summary>
    public List<RevenueMovement> PendingRevenue { get; set; } = [];
}

namespace Tollgate.Grains.Billing;

/// <summary>What a payment provider's subscription status means for the tenant's subscription.</summary>
public static class ProviderStatusRules
{
    /// <summary>Orders states reported in the same second: ended beats live beats not yet paid.</summary>
    public static int Rank(ProviderSubscriptionStatus status) => status switch
    {
        ProviderSubscriptionStatus.Incomplete => 0,
        ProviderSubscriptionStatus.Canceled or ProviderSubscriptionStatus.IncompleteExpired => 2,
        _ => 1,
    };

    /// <summary>The tenant's status for a live provider status: past_due, unpaid and paused are all past due here.</summary>
    public static SubscriptionStatus ToSubscriptionStatus(ProviderSubscriptionStatus status) => status switch
    {
        ProviderSubscriptionStatus.Trialing => SubscriptionStatus.Trialing,
        ProviderSubscriptionStatus.Active => SubscriptionStatus.Active,
        ProviderSubscriptionStatus.Incomplete => SubscriptionStatus.Incomplete,
        _ => SubscriptionStatus.PastDue,
    };

    /// <summary>Unpaid and paused have no grace left; neither has a subscription whose first payment failed.</summary>
    public static bool SuspendsAtOnce(ProviderSubscriptionStatus status) =>
        status is ProviderSubscriptionStatus.Unpaid or ProviderSubscriptionStatus.Paused or ProviderSubscriptionStatus.Incomplete;
}

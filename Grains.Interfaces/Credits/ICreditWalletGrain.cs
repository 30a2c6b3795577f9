using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Credits;

/// <summary>
/// One tenant's credits (key: the tenant id): its grants, holds and ledger. Every change is decided in
/// memory one turn at a time and answered once durable, like the quota counter.
/// </summary>
[Alias("tollgate.ICreditWalletGrain")]
public interface ICreditWalletGrain : IGrainWithStringKey, IRemindable
{
    /// <summary>Adds a grant (or, for a negative adjustment, takes credits away); applied once per idempotency key.</summary>
    Task<GrantResult> Grant(CreditGrant grant, AuditActor actor);

    /// <summary>The balance as of now: expired grants and holds no longer count, whether or not their reminders have fired.</summary>
    Task<WalletBalance> Get();

    /// <summary>
    /// The tenant's low-balance alert: <c>credits.low</c> once when the available balance goes under
    /// <paramref name="below"/>, <c>credits.resolved</c> once when it is back at or over it. Null turns it off.
    /// </summary>
    Task SetLowBalanceAlert(long? below, AuditActor actor);

    /// <summary>
    /// When a spend leaves the available balance under <paramref name="threshold"/>, the wallet tells the
    /// tenant's <see cref="IAutoTopUpGrain"/> after the spend is durable. Null turns it off.
    /// </summary>
    Task SetAutoTopUpThreshold(long? threshold);

    /// <summary>The balance with the live grants, in spend order.</summary>
    Task<WalletView> GetView();

    /// <summary>Spends credits from the grants in spend order, or refuses with nothing spent; applied once per idempotency key.</summary>
    Task<WalletResult> Spend(CreditSpend spend, AuditActor actor);

    /// <summary>Gives back all or part of a spend of the last 24 hours to the grants it came from (an expired grant's share leaves).</summary>
    Task<WalletResult> Refund(CreditRefund refund, AuditActor actor);

    /// <summary>Sets credits aside for a reservation until settled, released or its TTL has passed.</summary>
    Task<WalletResult> Hold(CreditHoldRequest hold, AuditActor actor);

    /// <summary>Spends at most what a reservation holds for <paramref name="units"/> and gives back the rest.</summary>
    Task<WalletResult> Settle(string reservationId, long units, string? idempotencyKey, AuditActor actor);

    /// <summary>Gives back all that a reservation holds.</summary>
    Task<WalletResult> Release(string reservationId, string? idempotencyKey, AuditActor actor);
}

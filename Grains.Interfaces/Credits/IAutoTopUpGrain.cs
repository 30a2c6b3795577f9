using Orleans.Concurrency;
using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Credits;

/// <summary>
/// A tenant's automatic credit purchases (key: the tenant id): its settings, saved payment method and
/// this month's charges. It creates at most one off-session payment at a time.
/// </summary>
[Alias("tollgate.IAutoTopUpGrain")]
public interface IAutoTopUpGrain : IGrainWithStringKey
{
    /// <summary>
    /// A spend left the available balance under the wallet's auto top-up threshold (told after the spend is durable).
    /// One-way: the wallet does not wait while a payment is created, and cannot deadlock with a grant made here.
    /// </summary>
    [OneWay]
    Task BalanceLow(long available);

    Task<AutoTopUpInfo> Get();

    /// <summary>Replaces the settings and tells the wallet its threshold (none while disabled).</summary>
    Task<AutoTopUpInfo> Configure(AutoTopUpSettings settings, AuditActor actor);

    /// <summary>The payment method of the tenant's latest checkout: later charges use it, and a failure stops blocking them.</summary>
    Task SavePaymentMethod(string paymentMethodId, AuditActor actor);

    /// <summary>
    /// The provider reports an auto top-up payment succeeded: its credits are granted (once, keyed by the payment) and
    /// the next charge may start.
    /// </summary>
    Task<GrantResult> ChargeSucceeded(string paymentId, string? chargeKey, long credits, AuditActor actor);

    /// <summary>The provider reports an auto top-up payment failed: recorded, audited, and no charge starts until the method
    /// changes.</summary>
    Task ChargeFailed(string paymentId, string? chargeKey, string? code, string? message, AuditActor actor);
}

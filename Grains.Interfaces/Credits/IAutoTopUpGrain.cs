namespace Tollgate.Grains.Credits;

/// <summary>
/// A tenant's automatic credit purchases (key: the tenant id): its settings, saved payment method and
/// this month's charges. It creates at most one off-session payment at a time.
/// </summary>
[Alias("tollgate.IAutoTopUpGrain")]
public interface IAutoTopUpGrain : IGrainWithStringKey
{
    /// <summary>A spend left the available balance under the wallet's auto top-up threshold (told after the spend is durable).</summary>
    Task BalanceLow(long available);
}

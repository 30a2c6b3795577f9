namespace Tollgate.Grains.Analytics;

/// <summary>
/// Counts in revenue analytics a payment or refund that no other grain of Tollgate keeps (a Stripe payment for credits, a refund
/// made at Stripe), as the provider reported it; keyed by the provider and its id for the payment (<see cref="KeyOf"/>), so the
/// provider's redelivery of the same event counts once.
/// </summary>
[Alias("tollgate.IProviderRevenueGrain")]
public interface IProviderRevenueGrain : IGrainWithStringKey
{
    static string KeyOf(string provider, string paymentId) => $"{provider}/{paymentId}";

    /// <summary>Counts <paramref name="amountMinor"/> (negative for a refund) paid at <paramref name="at"/> for
    /// <paramref name="plan"/> (<see cref="RevenueMovement.Plan"/>); a repeat counts nothing more. Throws while the count is
    /// recorded but not yet summed (the provider's redelivery finishes it).</summary>
    Task CountPayment(string currency, long amountMinor, DateTimeOffset at, string plan);
}

namespace Tollgate.Grains.Analytics;

/// <summary>
/// Counts in revenue analytics a payment that no grain of Tollgate keeps (a Stripe payment for credits), as the provider reported
/// it; a stateless worker. The payment's id names the movement, so the provider's redelivery of the same event counts once.
/// </summary>
[Alias("tollgate.IProviderRevenueGrain")]
public interface IProviderRevenueGrain : IGrainWithIntegerKey
{
    /// <summary>Counts <paramref name="amountMinor"/> (negative for a refund) paid at <paramref name="at"/> through
    /// <paramref name="provider"/> for <paramref name="plan"/> (<see cref="RevenueMovement.Plan"/>).</summary>
    Task CountPayment(string paymentId, string provider, string currency, long amountMinor, DateTimeOffset at, string plan);
}

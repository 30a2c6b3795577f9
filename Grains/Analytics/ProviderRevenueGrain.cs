namespace Tollgate.Grains.Analytics;

/// <summary>Hands a provider's payment straight to its month grain: the provider keeps the payment and redelivers its event until
/// the webhook answers, so nothing needs storing here (<see cref="RevenueDelivery"/> adds a movement once).</summary>
[StatelessWorker, GrainType("provider-revenue")]
public sealed class ProviderRevenueGrain : TollgateGrain, IProviderRevenueGrain
{
    public async Task CountPayment(string paymentId, string provider, string currency, long amountMinor, DateTimeOffset at, string plan) =>
        await RevenueDelivery.DeliverAsync(GrainFactory,
            [RevenueRules.Payment($"{provider}/{paymentId}", currency, amountMinor, at, provider, plan)]);
}

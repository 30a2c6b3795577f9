namespace Tollgate.Grains.Analytics;

public sealed class ProviderRevenueState
{
    public bool Counted { get; set; }
    public List<RevenueMovement> PendingRevenue { get; set; } = [];
}

/// <summary>
/// One provider payment's count in revenue analytics: recorded (journaled) once with the grain's state, then handed to its month
/// grain (<see cref="RevenueDelivery"/>). When the month grain cannot be reached the call fails, the webhook answers an error,
/// and the provider's redelivery hands over what is still pending.
/// </summary>
[GrainType("provider-revenue")]
public sealed class ProviderRevenueGrain(
    [PersistentState("payment", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<ProviderRevenueState>> store,
    IStateEntryReader entries)
    : RecordingGrain, IProviderRevenueGrain
{
    private readonly StateWithRecords<ProviderRevenueState> _payment = new(store, entries);

    private protected override IOwnedByGrain Recorded => _payment;

    public async Task CountPayment(string currency, long amountMinor, DateTimeOffset at, string plan)
    {
        var state = _payment.State;
        if (!state.Counted)
        {
            var key = this.GetPrimaryKeyString();
            var provider = key[..key.IndexOf('/', StringComparison.Ordinal)];
            state.Counted = true;
            _payment.Record(state.PendingRevenue, [RevenueRules.Payment(key, currency, amountMinor, at, provider, plan)],
                TimeProvider.GetUtcNow());
            await WriteAsync();
        }
        if (await RevenueDelivery.DeliverAsync(GrainFactory, state.PendingRevenue)) await WriteAsync();
    }

    private async Task WriteAsync()
    {
        try
        {
            await _payment.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle(); // memory holds what storage may not: the redelivery must read what was stored
            throw;
        }
    }
}

using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Billing;

public sealed class ProviderEventState
{
    /// <summary>The tenant the event was claimed for; null until then.</summary>
    public string? TenantId { get; set; }
    public bool Refused { get; set; }
}

[GrainType("provider-event")]
public sealed class ProviderEventGrain(
    [PersistentState("event", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<ProviderEventState>> store,
    IStateEntryReader entries)
    : RecordingGrain, IProviderEventGrain
{
    private readonly StateWithRecords<ProviderEventState> _providerEvent = new(store, entries);

    private protected override IOwnedByGrain Recorded => _providerEvent;

    public async Task<bool> Claim(string tenantId)
    {
        if (_providerEvent.State.TenantId is { } claimed) return claimed == tenantId;
        _providerEvent.State.TenantId = tenantId;
        await _providerEvent.WriteStateAsync();
        return true;
    }

    public async Task Refuse(string? tenantId, string namedTenantId, string? customerId, string? owner, AuditActor actor)
    {
        if (_providerEvent.State.Refused) return; // a redelivery: audited once
        _providerEvent.State.Refused = true;
        var eventId = this.GetPrimaryKeyString();
        await _providerEvent.WriteStateAsync([AuditJournal.Record(actor, TimeProvider.GetUtcNow(), tenantId, "billing.webhook_refused", "event", eventId,
            after: new { reason = "the tenant does not own the customer the event names", tenantId = namedTenantId, customerId, customerOwner = owner })]);
    }
}

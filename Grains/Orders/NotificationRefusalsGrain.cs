using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Orders;

/// <summary>Refused notifications that name no order of Tollgate's, audited in the platform's log; it keeps only a count.</summary>
[GrainType("notification-refusals")]
public sealed class NotificationRefusalsGrain(
    [PersistentState("refusals", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<NotificationRefusalsState>> store,
    IStateEntryReader entries)
    : RecordingGrain, INotificationRefusalsGrain
{
    private readonly StateWithRecords<NotificationRefusalsState> _refusals = new(store, entries);

    private protected override IOwnedByGrain Recorded => _refusals;

    public Task Refuse(string? orderId, string reason, string? detail, AuditActor actor)
    {
        _refusals.State.Count++;
        var provider = this.GetPrimaryKeyString();
        return _refusals.WriteStateAsync([AuditJournal.Record(actor, TimeProvider.GetUtcNow(), null, "payment.notification_refused",
            "paymentNotification", orderId ?? provider, after: new { provider, orderId, reason, detail })]);
    }
}

public sealed class NotificationRefusalsState
{
    public long Count { get; set; }
}

using Tollgate.Grains.Billing;
using Tollgate.Grains.Credits;
using Tollgate.Grains.Identity;
using Tollgate.Grains.Quotas;

namespace Tollgate.Grains.Alerts;

[GrainType("alert-settings")]
public sealed class AlertSettingsGrain(
    [PersistentState("alerts", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<AlertSettingsState>> store,
    IStateEntryReader entries)
    : RecordingGrain, IAlertSettingsGrain, IStateShownOnDashboard
{
    private readonly StateWithRecords<AlertSettingsState> _settings = new(store, entries);

    private protected override IOwnedByGrain Recorded => _settings;

    private AlertSettingsState State => _settings.State;
    private string TenantId => this.GetPrimaryKeyString();

    // What counters are given: the stored percents, replaced only once a change is durable.
    private IReadOnlyList<int>? _durablePercents;

    public Task<string> GetDashboardState() => DashboardStateJson.Of(State);

    public Task<AlertSettings> Get() => Task.FromResult(Settings());

    public Task<IReadOnlyList<int>> GetQuotaPercents() => Task.FromResult(_durablePercents ??= [.. State.QuotaPercents]);

    public async Task<AlertSettings> Set(AlertSettings settings, AuditActor actor)
    {
        var before = Settings();
        _durablePercents ??= before.QuotaPercents; // counters asking meanwhile get what is stored
        State.QuotaPercents = [.. settings.QuotaPercents.Order()];
        State.CreditsBelow = settings.CreditsBelow;
        var after = Settings();
        try
        {
            await _settings.WriteStateAsync([AuditJournal.Record(actor, TimeProvider.GetUtcNow(), TenantId, "alerts.updated",
                "alert_settings", TenantId, before, after)]);
        }
        catch
        {
            DeactivateOnIdle(); // memory holds what storage refused: the next call reads what is stored
            throw;
        }
        _durablePercents = after.QuotaPercents;
        // Told every time, not only on a change: a change whose telling failed is completed by setting it again.
        // A tenant that never had a credit threshold has no wallet to tell.
        if (after.CreditsBelow is not null || before.CreditsBelow is not null)
            await GrainFactory.GetGrain<ICreditWalletGrain>(TenantId).SetLowBalanceAlert(after.CreditsBelow, actor);
        var quotaTypes = await GrainFactory.GetGrain<ISubscriptionGrain>(TenantId).GetQuotaTypes();
        await Task.WhenAll(quotaTypes.Select(quotaType =>
            GrainFactory.GetGrain<IQuotaCounterGrain>(QuotaCounterKey.For(TenantId, quotaType)).ApplyAlertPercents(after.QuotaPercents)));
        return after;
    }

    private AlertSettings Settings() => new([.. State.QuotaPercents], State.CreditsBelow);
}

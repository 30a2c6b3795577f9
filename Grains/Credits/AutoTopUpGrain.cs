using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Credits;

/// <summary>
/// A tenant's automatic credit purchases. Not reentrant, so triggers are taken one at a time: a charge is stored as
/// pending before the provider is called, and no other starts until the provider's webhook reports it, so concurrent
/// triggers create one payment; a call that got no answer is repeated under the same idempotency key.
/// </summary>
[GrainType("auto-top-up")]
public sealed class AutoTopUpGrain(
    [PersistentState("autoTopUp", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<AutoTopUpState>> store,
    IStateEntryReader entries,
    ILogger<AutoTopUpGrain> logger)
    : RecordingGrain, IAutoTopUpGrain, IStateShownOnDashboard
{
    private readonly StateWithRecords<AutoTopUpState> _autoTopUp = new(store, entries);

    private protected override IOwnedByGrain Recorded => _autoTopUp;

    private AutoTopUpState State => _autoTopUp.State;
    private string TenantId => this.GetPrimaryKeyString();

    public Task<string> GetDashboardState() => DashboardStateJson.Of(State);

    public Task<AutoTopUpInfo> Get()
    {
        State.RollMonth(TimeProvider.GetUtcNow());
        return Task.FromResult(Info());
    }

    public async Task<AutoTopUpInfo> Configure(AutoTopUpSettings settings, AuditActor actor)
    {
        var before = Info();
        // The wallet first: if it cannot be told, nothing is stored and the caller retries.
        await GrainFactory.GetGrain<ICreditWalletGrain>(TenantId).SetAutoTopUpThreshold(settings.Enabled ? settings.Threshold : null);
        State.RollMonth(TimeProvider.GetUtcNow());
        (State.Threshold, State.PackId, State.MaxPerMonth, State.Enabled) =
            (settings.Threshold, settings.PackId, settings.MaxPerMonth, settings.Enabled);
        if (settings.PaymentMethodId is { } method) State.SaveMethod(method);
        await _autoTopUp.WriteStateAsync([Audit(actor, "credits.auto_topup_configured", before, Info())]);
        return Info();
    }

    public async Task SavePaymentMethod(string paymentMethodId, AuditActor actor)
    {
        var before = Info();
        if (!State.SaveMethod(paymentMethodId)) return;
        await _autoTopUp.WriteStateAsync([Audit(actor, "credits.payment_method_saved", before, Info())]);
    }

    public async Task BalanceLow(long available)
    {
        var now = TimeProvider.GetUtcNow();
        State.RollMonth(now);
        var charge = State.Pending;
        if (charge is { PaymentId: not null }) return; // created; its webhook will tell
        if (charge is null)
        {
            if (State.WhyNoCharge(available) is { } reason)
            {
                logger.LogDebug("No auto top-up for tenant {TenantId} at {Available}: {Reason}", TenantId, available, reason);
                return;
            }
            var pack = (await GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key).Get()).CreditPack(State.PackId!);
            if (pack is null || pack.Archived || pack.StripePriceId is null)
            {
                logger.LogWarning("No auto top-up for tenant {TenantId}: credit pack {PackId} is not on sale", TenantId, State.PackId);
                return;
            }
            charge = State.Begin(TenantId, pack, now);
            // Stored before the provider is called: a crash in between repeats the call under the same key, not a new charge.
            await _autoTopUp.WriteStateAsync([Audit(AuditActor.System, "credits.auto_topup_started", null, charge)]);
        }

        var result = await ChargeAsync(charge);
        switch (result.Status)
        {
            case OffSessionChargeStatus.Unreachable:
                logger.LogWarning("Auto top-up {Key} of tenant {TenantId} got no answer; the next trigger repeats it", charge.Key,
                    TenantId);
                return;
            case OffSessionChargeStatus.Failed:
                await FailAsync(result.PaymentId, result.FailureCode, result.FailureMessage, AuditActor.System);
                return;
            default:
                State.Pending = charge with { PaymentId = result.PaymentId };
                await _autoTopUp.WriteStateAsync();
                return;
        }
    }

    public async Task<GrantResult> ChargeSucceeded(string paymentId, string? chargeKey, long credits, AuditActor actor)
    {
        // The money was taken: the credits are granted whether or not this grain still knows the charge.
        var granted = await GrainFactory.GetGrain<ICreditWalletGrain>(TenantId).Grant(
            new CreditGrant(credits, CreditSources.AutoTopUp, Priority: 0, ExpiresAt: null, $"auto_topup:{paymentId}",
                Reason: null), actor);
        if (State.IsPending(paymentId, chargeKey))
        {
            var ended = State.End(paymentId, "succeeded", TimeProvider.GetUtcNow());
            await _autoTopUp.WriteStateAsync([Audit(actor, "credits.auto_topup_succeeded", null, ended)]);
        }
        return granted;
    }

    public async Task ChargeFailed(string paymentId, string? chargeKey, string? code, string? message, AuditActor actor)
    {
        if (State.LastFailure?.PaymentId == paymentId || State.RecentCharges.Any(c => c.PaymentId == paymentId)) return; // told already
        if (!State.IsPending(paymentId, chargeKey) && State.Pending is not null) return; // an older charge's news
        await FailAsync(paymentId, code, message, actor);
    }

    private async Task FailAsync(string? paymentId, string? code, string? message, AuditActor actor)
    {
        var now = TimeProvider.GetUtcNow();
        var ended = State.Pending is null ? null : State.End(paymentId ?? "", "failed", now);
        State.LastFailure = new AutoTopUpFailure(paymentId, State.PaymentMethodId, code, message ?? "The payment failed.", now);
        var failed = new { charge = ended, failure = State.LastFailure };
        await _autoTopUp.WriteStateAsync([Audit(actor, "credits.auto_topup_failed", null, failed)]);
    }

    private async Task<OffSessionChargeResult> ChargeAsync(AutoTopUpCharge charge)
    {
        // Resolved when needed: a silo without the Api's payment services still activates this grain.
        var charges = ServiceProvider.GetRequiredService<IOffSessionCharges>();
        return await charges.ChargeAsync(
            new OffSessionCharge(TenantId, State.PaymentMethodId!, charge.AmountMinor, charge.Currency, charge.PackId, charge.Credits,
                charge.Key),
            CancellationToken.None);
    }

    private AutoTopUpInfo Info() => new(
        State.Threshold, State.PackId, State.MaxPerMonth, State.Enabled, State.PaymentMethodId, State.Month, State.ChargesThisMonth,
        State.Pending, State.LastFailure, State.RecentCharges.ToList());

    private JournalRecord Audit(AuditActor actor, string action, object? before, object? after) =>
        AuditJournal.Record(actor, TimeProvider.GetUtcNow(), TenantId, action, "autoTopUp", TenantId, before, after);
}

using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Grains.Analytics;
using Tollgate.Grains.Credits;
using Tollgate.Grains.Events;
using Tollgate.Grains.Identity;
using Tollgate.Grains.Quotas;

namespace Tollgate.Grains.Billing;

[GrainType("subscription")]
public sealed partial class SubscriptionGrain(
    [PersistentState("subscription", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<SubscriptionState>> store,
    IStateEntryReader entries,
    IOptions<SubscriptionOptions> options,
    ILogger<SubscriptionGrain> logger)
    : RecordingGrain, ISubscriptionGrain, IStateShownOnDashboard
{
    private readonly StateWithRecords<SubscriptionState> _subscription = new(store, entries);

    private protected override IOwnedByGrain Recorded => _subscription;

    private const string ReminderName = "period";
    // The reminder is re-aimed at the next event after every tick; its own period is only a fallback.
    private readonly TimeSpan _reminderPeriod = options.Value.ReminderPeriod;

    private CatalogSnapshot? _catalog;
    private SubscriptionState State => _subscription.State;

    public Task<string> GetDashboardState() => DashboardStateJson.Of(State);
    private string TenantId => this.GetPrimaryKeyString();

    public async Task<SubscriptionInfo?> Get()
    {
        await CatchUpAsync();
        return Info();
    }

    public async Task<SubscriptionInfo?> StartDefault(AuditActor actor)
    {
        if (_subscription.RecordExists) return await Get();
        var plan = (await CatalogAsync()).DefaultPlan;
        if (plan is null) return null;
        await StartAsync(plan, SubscriptionSource.Default, trialDays: 0, TimeProvider.GetUtcNow(), actor, "subscription.started");
        await DeliverRevenueAsync();
        return Info();
    }

    public async Task<SubscriptionResult> Grant(string planId, int? trialDays, AuditActor actor)
    {
        await CatchUpAsync();
        var plan = (await CatalogAsync(refresh: true)).Plan(planId);
        if (plan is null || plan.Archived) return SubscriptionResult.Fail(SubscriptionError.NotFound, $"No active plan '{planId}'.");
        await StartAsync(plan, SubscriptionSource.Operator, trialDays ?? plan.TrialDays, TimeProvider.GetUtcNow(), actor, "subscription.granted");
        await DeliverRevenueAsync();
        return new(Info());
    }

    public async Task<SubscriptionResult> ChangePlan(string planId, AuditActor actor)
    {
        await CatchUpAsync();
        var catalog = await CatalogAsync(refresh: true);
        var plan = catalog.Plan(planId);
        if (plan is null || plan.Archived) return SubscriptionResult.Fail(SubscriptionError.NotFound, $"No active plan '{planId}'.");
        if (!plan.IsFree) return SubscriptionResult.Fail(SubscriptionError.Conflict, $"Plan '{planId}' is paid: subscribe through checkout.");
        if ((State.ManagedByProvider() ?? State.PrepaidChangeRefusal()) is { } managed) return managed;
        var before = Info();
        switch (State.ChangeTo(_subscription.RecordExists, plan, State.PlanId is { } currentId ? catalog.Plan(currentId) : null))
        {
            case PlanChangeStep.Start:
                await StartAsync(plan, SubscriptionSource.SelfService, 0, TimeProvider.GetUtcNow(), actor, "subscription.started");
                break;
            case PlanChangeStep.CancelPendingChange:
                State.PendingPlanId = null; // staying after all
                await _subscription.WriteStateAsync([AuditRecord(actor, "subscription.change_canceled")]);
                break;
            case PlanChangeStep.ScheduleDowngrade:
                State.PendingPlanId = planId;
                await _subscription.WriteStateAsync([AuditRecord(actor, "subscription.downgrade_scheduled", before)]);
                break;
            case PlanChangeStep.Upgrade:
                State.Upgrade(plan);
                await _subscription.WriteStateAsync([AuditRecord(actor, "subscription.upgraded", before)]);
                await NotifyCountersAsync();
                break;
        }
        await DeliverRevenueAsync();
        return new(Info());
    }

    public async Task<SubscriptionResult> Cancel(bool atPeriodEnd, AuditActor actor)
    {
        await CatchUpAsync();
        if (State.CancelRefusal(_subscription.RecordExists) is { } refused) return refused;
        if (State.IsOnDefaultPlan((await CatalogAsync(refresh: true)).DefaultPlan))
            return SubscriptionResult.Fail(SubscriptionError.Conflict, "The tenant is on the default plan; there is nothing to cancel.");
        var before = Info();
        if (atPeriodEnd)
        {
            if (State.PrepaidChangeRefusal() is { } prepaid) return prepaid;
            State.CancelAtPeriodEnd = true;
            await _subscription.WriteStateAsync([AuditRecord(actor, "subscription.cancel_scheduled", before)]);
            return new(Info());
        }
        await FallBackAsync(TimeProvider.GetUtcNow(), actor, "subscription.canceled", before);
        await DeliverRevenueAsync();
        return new(Info());
    }

    public async Task<SubscriptionResult> Resume(AuditActor actor)
    {
        await CatchUpAsync();
        if (State.ResumeRefusal(_subscription.RecordExists) is { } refused) return refused;
        var before = Info();
        State.CancelAtPeriodEnd = false;
        await _subscription.WriteStateAsync([AuditRecord(actor, "subscription.resumed", before)]);
        return new(Info());
    }

    public async Task<ProviderEventOutcome> ApplyProviderSubscription(ProviderEvent providerEvent, ProviderSubscription reported, AuditActor actor)
    {
        await CatchUpAsync();
        var report = State.Assess(providerEvent, reported);
        if (report == ProviderReport.Duplicate) return ProviderEventOutcome.Duplicate;
        // Looked up before anything changes: when the price names no plan, nothing is written and the
        // provider retries (the operator can fix the catalog meanwhile).
        var plan = report != ProviderReport.Live ? null
            : (await CatalogAsync(refresh: true)).Plans.FirstOrDefault(p => p.StripePriceId is not null && p.StripePriceId == reported.PriceId)
                ?? throw new InvalidOperationException($"No plan has the {reported.Provider} price '{reported.PriceId}' of subscription {reported.Id}.");
        var before = Info();
        State.Remember(providerEvent.Id);
        switch (report)
        {
            case ProviderReport.Stale:
                State.SetAside(reported);
                await _subscription.WriteStateAsync();
                return ProviderEventOutcome.Stale;
            case ProviderReport.Ended:
                State.End(reported);
                await FallBackAsync(TimeProvider.GetUtcNow(), actor, "subscription.canceled", before);
                await DeliverRevenueAsync();
                return ProviderEventOutcome.Applied;
            case ProviderReport.NotPaidYet:
                State.AwaitFirstPayment(providerEvent, reported);
                await _subscription.WriteStateAsync([AuditRecord(actor, "subscription.incomplete", before)]);
                await DeliverRevenueAsync();
                return ProviderEventOutcome.Applied;
        }

        if (State.PlanId is { } previous && previous != plan!.Id) await RemoveFromPlanAsync(previous);
        State.Sync(providerEvent, reported, plan!, TimeProvider.GetUtcNow());
        State.RefillIfNewPeriod(plan);
        await _subscription.WriteStateAsync([AuditRecord(actor, "subscription.synced", before)]);
        await GrainFactory.GetGrain<IPlanSubscribersGrain>(plan!.Id).Add(TenantId);
        await AimReminderAsync();
        await NotifyCountersAsync();
        await GrantRefillAsync();
        await DeliverRevenueAsync();
        return ProviderEventOutcome.Applied;
    }

    public async Task<ProviderEventOutcome> ApplyProviderInvoice(ProviderEvent providerEvent, ProviderInvoice invoice, PaymentOutcome payment, AuditActor actor)
    {
        await CatchUpAsync();
        if (State.AppliedEvents.Contains(providerEvent.Id)) return ProviderEventOutcome.Duplicate;
        var before = Info();
        State.Remember(providerEvent.Id);
        var now = TimeProvider.GetUtcNow();
        var amount = payment == PaymentOutcome.Succeeded ? invoice.AmountPaid : invoice.AmountDue;
        var records = new List<JournalRecord>
        {
            new(BillingJournal.Invoices, TenantId, invoice.Id, providerEvent.Created, JsonSerializer.Serialize(invoice, BillingJournal.Json)),
            new(BillingJournal.Payments, TenantId, payment.ToString(), providerEvent.Created, JsonSerializer.Serialize(
                new PaymentRecord(providerEvent.Id, invoice.Provider, invoice.Id, invoice.SubscriptionId, payment, amount, invoice.Currency,
                    invoice.AttemptCount, payment == PaymentOutcome.Failed ? invoice.NextPaymentAttempt : null, providerEvent.Created), BillingJournal.Json)),
        };

        var effect = State.EffectOf(invoice, payment);
        if (effect == InvoiceEffect.Paid)
        {
            State.Paid(invoice);
            State.RefillIfNewPeriod((await CatalogAsync(refresh: true)).Plan(State.PlanId!));
        }
        else if (effect == InvoiceEffect.Failed)
            State.PaymentFailed(providerEvent.Created, (await CatalogAsync(refresh: true)).Plan(State.PlanId!)?.GraceDays ?? 0, now);
        var changed = effect != InvoiceEffect.None;
        records.Add(AuditJournal.Record(actor, now, TenantId, ProviderSubscriptionRules.AuditAction(payment), "invoice", invoice.Id,
            changed ? SubscriptionRules.Summary(before!) : null,
            new
            {
                invoice.Status, invoice.AmountDue, invoice.AmountPaid, invoice.Currency, invoice.SubscriptionId,
                subscription = changed ? SubscriptionRules.Summary(Info()!) : null,
            }));
        records.Add(TenantEvents.Record(TenantId, SubscriptionEvents.InvoiceTypeOf(payment), now,
            SubscriptionEvents.InvoiceData(invoice, payment)));
        if (SubscriptionEvents.TypeOf(SubscriptionEvents.InvoiceAction, before, Info()) is { } type && changed)
            records.Add(TenantEvents.Record(TenantId, type, now, SubscriptionEvents.Data(SubscriptionEvents.InvoiceAction,
                before, Info()!)));
        _subscription.Record(State.PendingRevenue, State.CountRevenue(TenantId, now), now);
        if (payment == PaymentOutcome.Succeeded && invoice.AmountPaid > 0)
            _subscription.Record(State.PendingRevenue, [State.PaymentOf(TenantId, providerEvent, invoice)], now);
        await _subscription.WriteStateAsync(records);
        if (changed)
        {
            await AimReminderAsync();
            await NotifyCountersAsync();
            await GrantRefillAsync();
        }
        await DeliverRevenueAsync();
        return ProviderEventOutcome.Applied;
    }

    public async Task RefreshPlan()
    {
        await CatchUpAsync();
        if (State.PlanId is null || (await CatalogAsync(refresh: true)).Plan(State.PlanId) is not { } plan || plan.Version == State.PlanVersion) return;
        State.Take(plan, State.Source);
        await _subscription.WriteStateAsync([AuditRecord(AuditActor.System, "subscription.plan_updated")]);
        await NotifyCountersAsync();
        await DeliverRevenueAsync();
    }

    public async Task<QuotaEntitlement> GetEntitlement(string quotaType)
    {
        await CatchUpAsync();
        var quota = (await CatalogAsync()).QuotaType(quotaType) ?? (await CatalogAsync(refresh: true)).QuotaType(quotaType);
        if (quota is null) return new QuotaEntitlement(false, 0, QuotaWindow.Lifetime, default);
        if (_subscription.RecordExists && State.Counters.Add(quotaType)) await _subscription.WriteStateAsync();
        return State.Entitlement(quota);
    }

    public async Task<IReadOnlyList<string>> GetQuotaTypes()
    {
        await CatchUpAsync();
        return State.QuotaTypes();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status) => await CatchUpAsync();

    /// <summary>Applies every boundary already passed, then grants the current period's refill if the wallet does not have it
    /// yet.</summary>
    private async Task CatchUpAsync()
    {
        await CatchUpPeriodsAsync();
        await GrantRefillAsync();
        await DeliverRevenueAsync();
    }

    /// <summary>
    /// Hands the stored revenue movements to their month grains (<see cref="RevenueDelivery"/>); when one cannot be reached they
    /// stay stored, and the reminder and every later call deliver them again.
    /// </summary>
    private async Task DeliverRevenueAsync()
    {
        try
        {
            if (await RevenueDelivery.DeliverAsync(GrainFactory, State.PendingRevenue)) await _subscription.WriteStateAsync();
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            logger.LogWarning(failure, "Revenue movements of tenant {TenantId} not delivered yet; retried", TenantId);
            await this.RegisterOrUpdateReminder(ReminderName, _reminderPeriod, _reminderPeriod);
        }
    }

    /// <summary>Applies every trial end and period end already passed, then aims the reminder at the next one.</summary>
    private async Task CatchUpPeriodsAsync()
    {
        if (!_subscription.RecordExists || State.PlanId is null) return;
        var now = TimeProvider.GetUtcNow();
        if (State.Source == SubscriptionSource.Provider)
        {
            // The provider renews, converts trials and cancels; here only the grace period runs out.
            if (!State.GraceRanOut(now)) return;
            var before = Info();
            State.Suspended = true;
            await _subscription.WriteStateAsync([AuditRecord(AuditActor.System, "subscription.suspended", before)]);
            await NotifyCountersAsync();
            return;
        }
        var changed = await CatchUpPrepaidAsync(now);
        while (State.Due(now) is var due and not SubscriptionDue.Nothing)
        {
            changed = true;
            if (due == SubscriptionDue.TrialEnd) await EndTrialAsync(State.TrialEnd!.Value);
            else await RenewAsync(State.PeriodEnd);
        }
        if (changed) await NotifyCountersAsync();
    }

    private async Task EndTrialAsync(DateTimeOffset trialEnd)
    {
        var before = Info();
        if (State.EndTrial())
            await _subscription.WriteStateAsync([AuditRecord(AuditActor.System, "subscription.trial_converted", before, trialEnd)]);
        else await FallBackAsync(trialEnd, AuditActor.System, "subscription.trial_expired", before, notify: false);
    }

    private async Task RenewAsync(DateTimeOffset boundary)
    {
        var before = Info();
        if (State.CancelAtPeriodEnd)
        {
            await FallBackAsync(boundary, AuditActor.System, "subscription.canceled", before, notify: false);
            return;
        }
        var catalog = await CatalogAsync(refresh: true);
        State.Renew(boundary, catalog.Plan(State.PlanAtRenewal()));
        State.RefillPeriod(catalog.Plan(State.PlanId!));
        await _subscription.WriteStateAsync([AuditRecord(AuditActor.System, "subscription.renewed", before, boundary)]);
        await AimReminderAsync();
    }

    /// <summary>Ends the current plan: the tenant continues on the default plan from <paramref name="at"/>.</summary>
    private async Task FallBackAsync(DateTimeOffset at, AuditActor actor, string action, SubscriptionInfo? before, bool notify = true)
    {
        await RemoveFromPlanAsync(State.PlanId);
        var defaultPlan = (await CatalogAsync(refresh: true)).DefaultPlan;
        if (defaultPlan is null)
        {
            State.EndWithoutPlan();
            await _subscription.WriteStateAsync([AuditRecord(actor, action, before, at)]);
            await UnregisterReminderIfAnyAsync();
        }
        else
        {
            await StartAsync(defaultPlan, SubscriptionSource.Default, 0, at, actor, action, before, notify: false);
        }
        if (notify) await NotifyCountersAsync();
    }

    private async Task StartAsync(PlanInfo plan, SubscriptionSource source, int trialDays, DateTimeOffset at, AuditActor actor, string action,
        SubscriptionInfo? before = null, bool notify = true, int prepaidPeriods = 0)
    {
        before ??= Info();
        if (State.PlanId is not null && State.PlanId != plan.Id) await RemoveFromPlanAsync(State.PlanId);
        State.Start(plan, source, trialDays, at, prepaidPeriods);
        State.RefillPeriod(plan);
        await _subscription.WriteStateAsync([AuditRecord(actor, action, before, at)]);
        await GrainFactory.GetGrain<IPlanSubscribersGrain>(plan.Id).Add(TenantId);
        await AimReminderAsync();
        if (notify) await NotifyCountersAsync();
        await GrantRefillAsync();
    }

    /// <summary>
    /// Gives the wallet the current period's refill, once (the wallet applies a key once); cleared only after the wallet
    /// answered. When the wallet cannot be reached, the reminder looks again within its period and every call retries.
    /// </summary>
    private async Task GrantRefillAsync()
    {
        if (State.PendingRefill is not { } refill) return;
        if (PlanRefills.StillDue(refill, TimeProvider.GetUtcNow()))
        {
            try
            {
                var granted = await GrainFactory.GetGrain<ICreditWalletGrain>(TenantId).Grant(PlanRefills.Grant(refill), AuditActor.System);
                if (granted.Outcome != GrantOutcome.Granted)
                    logger.LogWarning("The wallet of tenant {TenantId} refused plan refill {Key}: {Outcome}", TenantId,
                        PlanRefills.Key(refill), granted.Outcome);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                logger.LogWarning(failure, "Plan refill {Key} of tenant {TenantId} not granted yet; retried", PlanRefills.Key(refill),
                    TenantId);
                await this.RegisterOrUpdateReminder(ReminderName, _reminderPeriod, _reminderPeriod);
                return;
            }
        }
        State.PendingRefill = null;
        await _subscription.WriteStateAsync();
        // A provider's subscription has no reminder of its own unless a retry registered one.
        if (State.NextLook() is null) await UnregisterReminderIfAnyAsync();
    }

    private async Task NotifyCountersAsync()
    {
        var catalog = await CatalogAsync();
        await Task.WhenAll(State.Counters.Select(async quotaType =>
        {
            if (catalog.QuotaType(quotaType) is { } quota)
                await GrainFactory.GetGrain<IQuotaCounterGrain>(QuotaCounterKey.For(TenantId, quotaType)).Apply(State.Entitlement(quota));
        }));
    }

    private async Task AimReminderAsync()
    {
        if (State.NextLook() is { } next)
        {
            var dueIn = SubscriptionRules.DueIn(next, TimeProvider.GetUtcNow(), _reminderPeriod);
            await this.RegisterOrUpdateReminder(ReminderName, dueIn, _reminderPeriod);
        }
        else await UnregisterReminderIfAnyAsync();
    }

    private async Task UnregisterReminderIfAnyAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
    }

    private async Task RemoveFromPlanAsync(string? planId)
    {
        if (planId is not null) await GrainFactory.GetGrain<IPlanSubscribersGrain>(planId).Remove(TenantId);
    }

    private async Task<CatalogSnapshot> CatalogAsync(bool refresh = false)
    {
        if (_catalog is null || refresh) _catalog = await GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key).Get();
        return _catalog;
    }

    /// <summary>The change's audit record; the tenant event it is (<see cref="SubscriptionEvents"/>) goes with the same write.</summary>
    /// <remarks>The change counts in revenue analytics in the month of <paramref name="at"/>, when it took effect (a trial's or a
    /// period's end the grain caught up with later), or now.</remarks>
    private JournalRecord AuditRecord(AuditActor actor, string action, SubscriptionInfo? before = null, DateTimeOffset? at = null)
    {
        _subscription.Record(State.PendingRevenue, State.CountRevenue(TenantId, at ?? TimeProvider.GetUtcNow()), TimeProvider.GetUtcNow());
        var after = Info();
        if (SubscriptionEvents.TypeOf(action, before, after) is { } type)
            _subscription.AddToNextWrite(TenantEvents.Record(TenantId, type, TimeProvider.GetUtcNow(),
                SubscriptionEvents.Data(action, before, after!)));
        return AuditJournal.Record(actor, TimeProvider.GetUtcNow(), TenantId, action, "subscription", TenantId,
            before is null ? null : SubscriptionRules.Summary(before), after is null ? null : SubscriptionRules.Summary(after));
    }

    private SubscriptionInfo? Info() => State.Info(TenantId, _subscription.RecordExists);
}

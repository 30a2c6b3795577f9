using Microsoft.Extensions.Options;
using System.Text.Json;
using Tollgate.Grains.Identity;
using Tollgate.Grains.Quotas;

namespace Tollgate.Grains.Billing;

[GrainType("subscription")]
public sealed class SubscriptionGrain(
    [PersistentState("subscription", StorageNames.Default)] IPersistentState<Journaled<SubscriptionState>> store, IJournalWriter journal,
    IOptions<SubscriptionOptions> options)
    : JournaledGrain, ISubscriptionGrain, IStateShownOnDashboard
{
    private readonly JournaledState<SubscriptionState> subscription = new(store, journal);

    private protected override IJournalOutboxOwner Journal => subscription;

    private const string ReminderName = "period";
    private const int MaxRememberedEvents = 500;
    // The reminder is re-aimed at the next event after every tick; its own period is only a fallback.
    private readonly TimeSpan _reminderPeriod = options.Value.ReminderPeriod;

    private CatalogSnapshot? _catalog;
    private SubscriptionState State => subscription.State;

    public Task<string> GetDashboardState() => DashboardStateJson.Of(State);
    private string TenantId => this.GetPrimaryKeyString();

    public async Task<SubscriptionInfo?> Get()
    {
        await CatchUpAsync();
        return Info();
    }

    public async Task<SubscriptionInfo?> StartDefault(AuditActor actor)
    {
        if (subscription.RecordExists) return await Get();
        var plan = (await CatalogAsync()).DefaultPlan;
        if (plan is null) return null;
        await StartAsync(plan, SubscriptionSource.Default, trialDays: 0, TimeProvider.GetUtcNow(), actor, "subscription.started");
        return Info();
    }

    public async Task<SubscriptionResult> Grant(string planId, int? trialDays, AuditActor actor)
    {
        await CatchUpAsync();
        var plan = (await CatalogAsync(refresh: true)).Plan(planId);
        if (plan is null || plan.Archived) return SubscriptionResult.Fail(SubscriptionError.NotFound, $"No active plan '{planId}'.");
        await StartAsync(plan, SubscriptionSource.Operator, trialDays ?? plan.TrialDays, TimeProvider.GetUtcNow(), actor, "subscription.granted");
        return new(Info());
    }

    public async Task<SubscriptionResult> ChangePlan(string planId, AuditActor actor)
    {
        await CatchUpAsync();
        var plan = (await CatalogAsync(refresh: true)).Plan(planId);
        if (plan is null || plan.Archived) return SubscriptionResult.Fail(SubscriptionError.NotFound, $"No active plan '{planId}'.");
        if (!plan.IsFree) return SubscriptionResult.Fail(SubscriptionError.Conflict, $"Plan '{planId}' is paid: subscribe through checkout.");
        if (ManagedByProvider() is { } managed) return managed;
        if (!subscription.RecordExists || State.PlanId is null)
        {
            await StartAsync(plan, SubscriptionSource.SelfService, 0, TimeProvider.GetUtcNow(), actor, "subscription.started");
            return new(Info());
        }
        if (State.PlanId == planId)
        {
            if (State.PendingPlanId is null) return new(Info());
            State.PendingPlanId = null; // staying after all
            await subscription.WriteStateAsync([AuditRecord(actor, "subscription.change_canceled")]);
            return new(Info());
        }
        var current = (await CatalogAsync()).Plan(State.PlanId);
        if (current is not null && PlanChange.IsDowngrade(current, plan))
        {
            var before = Info();
            State.PendingPlanId = planId;
            await subscription.WriteStateAsync([AuditRecord(actor, "subscription.downgrade_scheduled", before)]);
            return new(Info());
        }
        var previous = Info();
        Take(plan, SubscriptionSource.SelfService);
        State.PendingPlanId = null;
        await subscription.WriteStateAsync([AuditRecord(actor, "subscription.upgraded", previous)]);
        await NotifyCountersAsync();
        return new(Info());
    }

    public async Task<SubscriptionResult> Cancel(bool atPeriodEnd, AuditActor actor)
    {
        await CatchUpAsync();
        if (!subscription.RecordExists || State.PlanId is null) return SubscriptionResult.Fail(SubscriptionError.NotFound, "The tenant has no subscription.");
        if (ManagedByProvider() is { } managed) return managed;
        var defaultPlan = (await CatalogAsync(refresh: true)).DefaultPlan;
        if (defaultPlan?.Id == State.PlanId && State.Source == SubscriptionSource.Default)
            return SubscriptionResult.Fail(SubscriptionError.Conflict, "The tenant is on the default plan; there is nothing to cancel.");
        var before = Info();
        if (atPeriodEnd)
        {
            State.CancelAtPeriodEnd = true;
            await subscription.WriteStateAsync([AuditRecord(actor, "subscription.cancel_scheduled", before)]);
            return new(Info());
        }
        await FallBackAsync(TimeProvider.GetUtcNow(), actor, "subscription.canceled", before);
        return new(Info());
    }

    public async Task<SubscriptionResult> Resume(AuditActor actor)
    {
        await CatchUpAsync();
        if (ManagedByProvider() is { } managed) return managed;
        if (!subscription.RecordExists || !State.CancelAtPeriodEnd)
            return SubscriptionResult.Fail(SubscriptionError.Conflict, "The subscription is not set to cancel; there is nothing to resume.");
        var before = Info();
        State.CancelAtPeriodEnd = false;
        await subscription.WriteStateAsync([AuditRecord(actor, "subscription.resumed", before)]);
        return new(Info());
    }

    public async Task<ProviderEventOutcome> ApplyProviderSubscription(ProviderEvent providerEvent, ProviderSubscription reported, AuditActor actor)
    {
        await CatchUpAsync();
        if (State.AppliedEvents.Contains(providerEvent.Id)) return ProviderEventOutcome.Duplicate;
        var rank = ProviderStatusRules.Rank(reported.Status);
        var current = State.Provider?.SubscriptionId == reported.Id ? State.Provider : null;
        var stale = State.EndedProviderSubscriptions.Contains(reported.Id)
            || current is not null && (providerEvent.Created, rank).CompareTo((current.ReportedAt, current.Rank)) < 0
            // Another subscription than the one the tenant is on: only a newer one replaces it.
            || current is null && State.Provider is { } other && !reported.IsEnded && providerEvent.Created < other.ReportedAt;
        var goesLive = !stale && !reported.IsEnded && !(reported.Status == ProviderSubscriptionStatus.Incomplete && State.Source != SubscriptionSource.Provider);
        // Looked up before anything changes: when the price names no plan, nothing is written and the
        // provider retries (the operator can fix the catalog meanwhile).
        var plan = !goesLive ? null : (await CatalogAsync(refresh: true)).Plans.FirstOrDefault(p => p.StripePriceId is not null && p.StripePriceId == reported.PriceId)
            ?? throw new InvalidOperationException($"No plan has the {reported.Provider} price '{reported.PriceId}' of subscription {reported.Id}.");
        var before = Info();
        Remember(providerEvent.Id);
        if (stale || (reported.IsEnded && current is null))
        {
            if (reported.IsEnded) State.EndedProviderSubscriptions.Add(reported.Id);
            await subscription.WriteStateAsync();
            return ProviderEventOutcome.Stale;
        }

        var link = new ProviderLink(reported.Provider, reported.Id, reported.CustomerId, reported.Status, reported.PriceId, providerEvent.Created, rank);
        if (reported.IsEnded)
        {
            State.EndedProviderSubscriptions.Add(reported.Id);
            State.Provider = null;
            (State.GraceEndsAt, State.Suspended) = (null, false);
            await FallBackAsync(TimeProvider.GetUtcNow(), actor, "subscription.canceled", before);
            return ProviderEventOutcome.Applied;
        }
        if (plan is null)
        {
            // Not paid yet: the tenant keeps what it has until the first payment goes through.
            State.Provider = link;
            State.Status = SubscriptionStatus.Incomplete;
            await subscription.WriteStateAsync([AuditRecord(actor, "subscription.incomplete", before)]);
            return ProviderEventOutcome.Applied;
        }

        if (State.PlanId is { } previous && previous != plan.Id) await RemoveFromPlanAsync(previous);
        Take(plan, SubscriptionSource.Provider);
        State.Provider = link;
        State.Anchor = reported.BillingAnchor;
        State.Interval = plan.Interval;
        State.PeriodStart = reported.PeriodStart;
        State.PeriodEnd = reported.PeriodEnd;
        State.TrialEnd = reported.Status == ProviderSubscriptionStatus.Trialing ? reported.TrialEnd : null;
        State.CancelAtPeriodEnd = reported.CancelAtPeriodEnd;
        State.PendingPlanId = null;
        State.Status = ProviderStatusRules.ToSubscriptionStatus(reported.Status);
        if (reported.Status == ProviderSubscriptionStatus.PastDue) State.GraceEndsAt ??= providerEvent.Created.AddDays(plan.GraceDays);
        else State.GraceEndsAt = null;
        State.Suspended = ProviderStatusRules.SuspendsAtOnce(reported.Status) || State.GraceEndsAt <= TimeProvider.GetUtcNow();
        await subscription.WriteStateAsync([AuditRecord(actor, "subscription.synced", before)]);
        await GrainFactory.GetGrain<IPlanSubscribersGrain>(plan.Id).Add(TenantId);
        await AimReminderAsync();
        await NotifyCountersAsync();
        return ProviderEventOutcome.Applied;
    }

    public async Task<ProviderEventOutcome> ApplyProviderInvoice(ProviderEvent providerEvent, ProviderInvoice invoice, PaymentOutcome payment, AuditActor actor)
    {
        await CatchUpAsync();
        if (State.AppliedEvents.Contains(providerEvent.Id)) return ProviderEventOutcome.Duplicate;
        var before = Info();
        Remember(providerEvent.Id);
        var now = TimeProvider.GetUtcNow();
        var amount = payment == PaymentOutcome.Succeeded ? invoice.AmountPaid : invoice.AmountDue;
        var records = new List<JournalRecord>
        {
            new(BillingJournal.Invoices, TenantId, invoice.Id, providerEvent.Created, JsonSerializer.Serialize(invoice, BillingJournal.Json)),
            new(BillingJournal.Payments, TenantId, payment.ToString(), providerEvent.Created, JsonSerializer.Serialize(
                new PaymentRecord(providerEvent.Id, invoice.Provider, invoice.Id, invoice.SubscriptionId, payment, amount, invoice.Currency,
                    invoice.AttemptCount, payment == PaymentOutcome.Failed ? invoice.NextPaymentAttempt : null, providerEvent.Created), BillingJournal.Json)),
        };

        // Only an invoice of the current period of the subscription the tenant is on changes the subscription.
        var changed = false;
        if (State.Source == SubscriptionSource.Provider && invoice.SubscriptionId is not null && State.Provider?.SubscriptionId == invoice.SubscriptionId
            && invoice.PeriodEnd >= State.PeriodEnd)
        {
            if (payment == PaymentOutcome.Succeeded)
            {
                if (invoice.PeriodStart is { } start && invoice.PeriodEnd is { } end && start > State.PeriodStart) (State.PeriodStart, State.PeriodEnd) = (start, end);
                if (State.Status is SubscriptionStatus.PastDue or SubscriptionStatus.Incomplete) State.Status = SubscriptionStatus.Active;
                (State.GraceEndsAt, State.Suspended) = (null, false);
                changed = true;
            }
            else if (payment == PaymentOutcome.Failed && State.Status is SubscriptionStatus.Active)
            {
                var plan = (await CatalogAsync(refresh: true)).Plan(State.PlanId!);
                State.Status = SubscriptionStatus.PastDue;
                State.GraceEndsAt = providerEvent.Created.AddDays(plan?.GraceDays ?? 0);
                State.Suspended = State.GraceEndsAt <= now;
                changed = true;
            }
        }
        var action = payment switch
        {
            PaymentOutcome.Succeeded => "billing.invoice_paid",
            PaymentOutcome.Failed => "billing.payment_failed",
            _ => "billing.payment_action_required",
        };
        records.Add(AuditJournal.Record(actor, now, TenantId, action, "invoice", invoice.Id, changed ? Summary(before!) : null,
            new { invoice.Status, invoice.AmountDue, invoice.AmountPaid, invoice.Currency, invoice.SubscriptionId, subscription = changed ? Summary(Info()!) : null }));
        await subscription.WriteStateAsync(records);
        if (changed)
        {
            await AimReminderAsync();
            await NotifyCountersAsync();
        }
        return ProviderEventOutcome.Applied;
    }

    /// <summary>A paid subscription changes at its provider first; the provider's report then changes it here.</summary>
    private SubscriptionResult? ManagedByProvider() => State.Source == SubscriptionSource.Provider && State.Provider is { } provider
        ? SubscriptionResult.Fail(SubscriptionError.Conflict, $"The subscription is paid through {provider.Provider}: change it there (billing portal), or cancel it here.")
        : null;

    /// <summary>Keeps the ids of the last events applied: providers redeliver for days, not forever.</summary>
    private void Remember(string eventId)
    {
        State.AppliedEvents.Add(eventId);
        if (State.AppliedEvents.Count > MaxRememberedEvents) State.AppliedEvents.RemoveRange(0, State.AppliedEvents.Count - MaxRememberedEvents);
    }

    public async Task RefreshPlan()
    {
        await CatchUpAsync();
        if (State.PlanId is null || (await CatalogAsync(refresh: true)).Plan(State.PlanId) is not { } plan || plan.Version == State.PlanVersion) return;
        Take(plan, State.Source);
        await subscription.WriteStateAsync([AuditRecord(AuditActor.System, "subscription.plan_updated")]);
        await NotifyCountersAsync();
    }

    public async Task<QuotaEntitlement> GetEntitlement(string quotaType)
    {
        await CatchUpAsync();
        var quota = (await CatalogAsync()).QuotaType(quotaType) ?? (await CatalogAsync(refresh: true)).QuotaType(quotaType);
        if (quota is null) return new QuotaEntitlement(false, 0, QuotaWindow.Lifetime, default);
        if (subscription.RecordExists && State.Counters.Add(quotaType)) await subscription.WriteStateAsync();
        return Entitlement(quota);
    }

    public async Task<IReadOnlyList<string>> GetQuotaTypes()
    {
        await CatchUpAsync();
        return State.Quotas.Keys.Union(State.Counters).Order(StringComparer.Ordinal).ToList();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status) => await CatchUpAsync();

    /// <summary>Applies every trial end and period end already passed, then aims the reminder at the next one.</summary>
    private async Task CatchUpAsync()
    {
        if (!subscription.RecordExists || State.PlanId is null) return;
        var now = TimeProvider.GetUtcNow();
        if (State.Source == SubscriptionSource.Provider)
        {
            // The provider renews, converts trials and cancels; here only the grace period runs out.
            if (State.Suspended || State.GraceEndsAt > now || State.GraceEndsAt is null) return;
            var before = Info();
            State.Suspended = true;
            await subscription.WriteStateAsync([AuditRecord(AuditActor.System, "subscription.suspended", before)]);
            await NotifyCountersAsync();
            return;
        }
        var changed = false;
        while (State.PlanId is not null && (State.TrialEnd <= now || State.PeriodEnd <= now))
        {
            changed = true;
            if (State.TrialEnd is { } trialEnd && trialEnd <= State.PeriodEnd && trialEnd <= now) await EndTrialAsync(trialEnd);
            else await RenewAsync(State.PeriodEnd);
        }
        if (changed) await NotifyCountersAsync();
    }

    private async Task EndTrialAsync(DateTimeOffset trialEnd)
    {
        var before = Info();
        State.TrialEnd = null;
        // Free and operator-granted plans convert by themselves; a paid trial needs a payment (checkout).
        if (State.Free || State.Source == SubscriptionSource.Operator)
        {
            State.Status = SubscriptionStatus.Active;
            await subscription.WriteStateAsync([AuditRecord(AuditActor.System, "subscription.trial_converted", before)]);
        }
        else
        {
            await FallBackAsync(trialEnd, AuditActor.System, "subscription.trial_expired", before, notify: false);
        }
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
        // Plan changes (a scheduled downgrade, a new plan version) take effect at renewal.
        if (catalog.Plan(State.PendingPlanId ?? State.PlanId!) is { } plan) Take(plan, State.Source);
        State.PendingPlanId = null;
        State.PeriodStart = boundary;
        State.PeriodEnd = Calendar.PeriodAt(State.Anchor, State.Interval, boundary).End;
        await subscription.WriteStateAsync([AuditRecord(AuditActor.System, "subscription.renewed", before)]);
        await AimReminderAsync();
    }

    /// <summary>Ends the current plan: the tenant continues on the default plan from <paramref name="at"/>.</summary>
    private async Task FallBackAsync(DateTimeOffset at, AuditActor actor, string action, SubscriptionInfo? before, bool notify = true)
    {
        await RemoveFromPlanAsync(State.PlanId);
        var defaultPlan = (await CatalogAsync(refresh: true)).DefaultPlan;
        if (defaultPlan is null)
        {
            State.Status = SubscriptionStatus.Canceled;
            State.PlanId = null;
            State.Quotas = [];
            State.Features = [];
            State.CancelAtPeriodEnd = false;
            State.PendingPlanId = null;
            State.TrialEnd = null;
            await subscription.WriteStateAsync([AuditRecord(actor, action, before)]);
            await UnregisterReminderIfAnyAsync();
        }
        else
        {
            await StartAsync(defaultPlan, SubscriptionSource.Default, 0, at, actor, action, before, notify: false);
        }
        if (notify) await NotifyCountersAsync();
    }

    private async Task StartAsync(PlanInfo plan, SubscriptionSource source, int trialDays, DateTimeOffset at, AuditActor actor, string action,
        SubscriptionInfo? before = null, bool notify = true)
    {
        before ??= Info();
        if (State.PlanId is not null && State.PlanId != plan.Id) await RemoveFromPlanAsync(State.PlanId);
        Take(plan, source);
        State.Anchor = at;
        State.Interval = plan.Interval;
        State.PeriodStart = at;
        State.PeriodEnd = Calendar.AddIntervals(at, plan.Interval, 1);
        State.TrialEnd = trialDays > 0 ? at.AddDays(trialDays) : null;
        State.Status = trialDays > 0 ? SubscriptionStatus.Trialing : SubscriptionStatus.Active;
        State.CancelAtPeriodEnd = false;
        State.PendingPlanId = null;
        (State.GraceEndsAt, State.Suspended) = (null, false);
        await subscription.WriteStateAsync([AuditRecord(actor, action, before)]);
        await GrainFactory.GetGrain<IPlanSubscribersGrain>(plan.Id).Add(TenantId);
        await AimReminderAsync();
        if (notify) await NotifyCountersAsync();
    }

    private void Take(PlanInfo plan, SubscriptionSource source)
    {
        State.PlanId = plan.Id;
        State.PlanVersion = plan.Version;
        State.Source = source;
        State.Free = plan.IsFree;
        State.Quotas = new Dictionary<string, long>(plan.Quotas);
        State.Features = new Dictionary<string, JsonElement>(plan.Features);
        if (State.Status is SubscriptionStatus.Canceled) State.Status = SubscriptionStatus.Active;
    }

    private async Task NotifyCountersAsync()
    {
        var catalog = await CatalogAsync();
        await Task.WhenAll(State.Counters.Select(async quotaType =>
        {
            if (catalog.QuotaType(quotaType) is { } quota)
                await GrainFactory.GetGrain<IQuotaCounterGrain>(QuotaCounterKey.For(TenantId, quotaType)).Apply(Entitlement(quota));
        }));
    }

    private QuotaEntitlement Entitlement(QuotaTypeInfo quota) =>
        new(true, State.PlanId is null || State.Suspended ? 0 : State.Quotas.GetValueOrDefault(quota.Id), quota.Window, State.Anchor);

    private async Task AimReminderAsync()
    {
        if (State.Source == SubscriptionSource.Provider)
        {
            if (State.GraceEndsAt is { } graceEnd && !State.Suspended)
                await this.RegisterOrUpdateReminder(ReminderName, DueIn(graceEnd), _reminderPeriod);
            else await UnregisterReminderIfAnyAsync();
            return;
        }
        var next = State.TrialEnd is { } trialEnd && trialEnd < State.PeriodEnd ? trialEnd : State.PeriodEnd;
        await this.RegisterOrUpdateReminder(ReminderName, DueIn(next), _reminderPeriod);
    }

    /// <summary>Until <paramref name="at"/>, but no longer than the reminder's period: the grain's clock may not be the reminders' clock.</summary>
    private TimeSpan DueIn(DateTimeOffset at) => TimeSpan.FromTicks(Math.Clamp((at - TimeProvider.GetUtcNow()).Ticks, 0, _reminderPeriod.Ticks));

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

    private JournalRecord AuditRecord(AuditActor actor, string action, SubscriptionInfo? before = null) =>
        AuditJournal.Record(actor, TimeProvider.GetUtcNow(), TenantId, action, "subscription", TenantId,
            before is null ? null : Summary(before), Info() is { } after ? Summary(after) : null);

    private static object Summary(SubscriptionInfo s) =>
        new
        {
            planId = s.PlanId, status = WireNames.Of(s.Status), periodEnd = s.CurrentPeriodEnd, cancelAtPeriodEnd = s.CancelAtPeriodEnd,
            pendingPlanId = s.PendingPlanId, providerSubscriptionId = s.ProviderSubscription?.SubscriptionId, quotasSuspended = s.QuotasSuspended,
        };

    private SubscriptionInfo? Info() => !subscription.RecordExists && State.PlanId is null ? null : new(
        TenantId, State.PlanId, State.PlanVersion, State.Status, State.Source, State.Anchor, State.PeriodStart, State.PeriodEnd,
        State.TrialEnd, State.CancelAtPeriodEnd, State.PendingPlanId, new Dictionary<string, long>(State.Quotas), new Dictionary<string, JsonElement>(State.Features),
        State.Provider is { } p ? new ProviderSubscriptionInfo(p.Provider, p.SubscriptionId, p.CustomerId, p.Status, p.PriceId) : null,
        State.GraceEndsAt, State.Suspended);
}

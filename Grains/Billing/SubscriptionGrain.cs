using System.Text.Json;
using Tollgate.Grains.Identity;
using Tollgate.Grains.Quotas;
using Tollgate.Runtime;

namespace Tollgate.Grains.Billing;

public sealed class SubscriptionState
{
    public string? PlanId { get; set; }
    public int PlanVersion { get; set; }
    public SubscriptionStatus Status { get; set; }
    public SubscriptionSource Source { get; set; }
    public DateTimeOffset Anchor { get; set; }
    public BillingInterval Interval { get; set; }
    public DateTimeOffset PeriodStart { get; set; }
    public DateTimeOffset PeriodEnd { get; set; }
    public DateTimeOffset? TrialEnd { get; set; }
    public bool CancelAtPeriodEnd { get; set; }
    public string? PendingPlanId { get; set; }
    public bool Free { get; set; }
    public Dictionary<string, long> Quotas { get; set; } = [];
    public Dictionary<string, JsonElement> Features { get; set; } = [];
    /// <summary>Quota types whose counters asked for their entitlement: they hear of changes.</summary>
    public HashSet<string> Counters { get; set; } = [];
}

[GrainType("subscription")]
public sealed class SubscriptionGrain([PersistentState("subscription")] IPersistentState<SubscriptionState> subscription) : Grain, ISubscriptionGrain
{
    private const string ReminderName = "period";
    // The reminder is re-aimed at the next event after every tick; its own period is only a fallback.
    private static readonly TimeSpan ReminderFallbackPeriod = TimeSpan.FromHours(1);

    private CatalogSnapshot? _catalog;
    private SubscriptionState State => subscription.State;
    private string TenantId => GetPrimaryKeyString();

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
        if (current is not null && IsDowngrade(current, plan))
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
        if (!subscription.RecordExists || !State.CancelAtPeriodEnd)
            return SubscriptionResult.Fail(SubscriptionError.Conflict, "The subscription is not set to cancel; there is nothing to resume.");
        var before = Info();
        State.CancelAtPeriodEnd = false;
        await subscription.WriteStateAsync([AuditRecord(actor, "subscription.resumed", before)]);
        return new(Info());
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

    /// <summary>A change is a downgrade when it costs less per month or lowers or drops any limit.</summary>
    private static bool IsDowngrade(PlanInfo from, PlanInfo to)
    {
        static decimal Monthly(PlanInfo p) => p.Interval == BillingInterval.Year ? p.PriceMinor / 12m : p.PriceMinor;
        return Monthly(to) < Monthly(from) || from.Quotas.Any(q => !to.Quotas.TryGetValue(q.Key, out var limit) || limit < q.Value);
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
        new(true, State.PlanId is null ? 0 : State.Quotas.GetValueOrDefault(quota.Id), quota.Window, State.Anchor);

    private async Task AimReminderAsync()
    {
        var next = State.TrialEnd is { } trialEnd && trialEnd < State.PeriodEnd ? trialEnd : State.PeriodEnd;
        var due = next - TimeProvider.GetUtcNow();
        await RegisterOrUpdateReminder(ReminderName, due < TimeSpan.Zero ? TimeSpan.Zero : due, ReminderFallbackPeriod);
    }

    private async Task UnregisterReminderIfAnyAsync()
    {
        if (await GetReminder(ReminderName) is not null) await UnregisterReminder(ReminderName);
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
        Audit.Record(actor, TimeProvider.GetUtcNow(), TenantId, action, "subscription", TenantId,
            before is null ? null : Summary(before), Info() is { } after ? Summary(after) : null);

    private static object Summary(SubscriptionInfo s) =>
        new { planId = s.PlanId, status = s.Status.ToString().ToLowerInvariant(), periodEnd = s.CurrentPeriodEnd, cancelAtPeriodEnd = s.CancelAtPeriodEnd, pendingPlanId = s.PendingPlanId };

    private SubscriptionInfo? Info() => !subscription.RecordExists && State.PlanId is null ? null : new(
        TenantId, State.PlanId, State.PlanVersion, State.Status, State.Source, State.Anchor, State.PeriodStart, State.PeriodEnd,
        State.TrialEnd, State.CancelAtPeriodEnd, State.PendingPlanId, new Dictionary<string, long>(State.Quotas), new Dictionary<string, JsonElement>(State.Features));
}

public sealed class PlanSubscribersState
{
    public HashSet<string> Tenants { get; set; } = [];
}

[GrainType("plan-subscribers")]
public sealed class PlanSubscribersGrain([PersistentState("tenants")] IPersistentState<PlanSubscribersState> subscribers) : Grain, IPlanSubscribersGrain
{
    public async Task Add(string tenantId)
    {
        if (subscribers.State.Tenants.Add(tenantId)) await subscribers.WriteStateAsync();
    }

    public async Task Remove(string tenantId)
    {
        if (subscribers.State.Tenants.Remove(tenantId)) await subscribers.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> Get() => Task.FromResult<IReadOnlyList<string>>(subscribers.State.Tenants.Order(StringComparer.Ordinal).ToList());
}

using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Billing;

public sealed class CatalogState
{
    public List<AppInfo> Apps { get; set; } = [];
    public List<QuotaTypeInfo> QuotaTypes { get; set; } = [];
    public List<PlanInfo> Plans { get; set; } = [];
    public List<ToolInfo> Tools { get; set; } = [];
    public List<CreditPackInfo> CreditPacks { get; set; } = [];
}

[GrainType("catalog")]
public sealed class CatalogGrain(
    [PersistentState("catalog", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<CatalogState>> store, IStateEntryReader entries)
    : RecordingGrain, ICatalogGrain, IStateShownOnDashboard
{
    private readonly StateWithRecords<CatalogState> _catalog = new(store, entries);

    private protected override IOwnedByGrain Recorded => _catalog;

    private CatalogState State => _catalog.State;

    public Task<string> GetDashboardState() => DashboardStateJson.Of(State);

    public Task<CatalogSnapshot> Get() => Task.FromResult(new CatalogSnapshot(
        State.Apps.ToList(), State.QuotaTypes.ToList(), State.Plans.Select(CatalogPrices.WithPrices).ToList(), State.Tools.ToList(),
        State.CreditPacks.Select(CatalogPrices.WithPrices).ToList()));

    public async Task<CatalogResult<AppInfo>> CreateApp(string id, string name, AuditActor actor)
    {
        if (State.Apps.Any(a => a.Id == id)) return CatalogResult<AppInfo>.Fail(CatalogError.Conflict, $"App '{id}' already exists.", "id");
        var app = new AppInfo(id, name, TimeProvider.GetUtcNow());
        State.Apps.Add(app);
        await _catalog.WriteStateAsync([AuditJournal.Record(actor, app.CreatedAt, null, "app.created", "app", id, after: app)]);
        return new(app);
    }

    public async Task<CatalogResult<QuotaTypeInfo>> CreateQuotaType(string appId, string key, string name, string unit, QuotaWindow window, AuditActor actor)
    {
        if (State.Apps.All(a => a.Id != appId)) return CatalogResult<QuotaTypeInfo>.Fail(CatalogError.NotFound, $"App '{appId}' does not exist.");
        var id = $"{appId}/{key}";
        if (State.QuotaTypes.Any(q => q.Id == id)) return CatalogResult<QuotaTypeInfo>.Fail(CatalogError.Conflict, $"Quota type '{id}' already exists.", "key");
        var quotaType = new QuotaTypeInfo(id, appId, key, name, unit, window, TimeProvider.GetUtcNow());
        State.QuotaTypes.Add(quotaType);
        await _catalog.WriteStateAsync([AuditJournal.Record(actor, quotaType.CreatedAt, null, "quota_type.created", "quotaType", id, after: quotaType)]);
        return new(quotaType);
    }

    public async Task<CatalogResult<PlanInfo>> CreatePlan(string id, PlanDefinition definition, AuditActor actor)
    {
        if (State.Plans.Any(p => p.Id == id)) return CatalogResult<PlanInfo>.Fail(CatalogError.Conflict, $"Plan '{id}' already exists.", "id");
        if ((UnknownQuotaType(definition) ?? SharedPrice(id, definition) ?? BadPrices(definition)) is { } error) return error;
        var plan = ToPlan(id, definition, version: 1, archived: false);
        Store(plan);
        await _catalog.WriteStateAsync([AuditJournal.Record(actor, plan.UpdatedAt, null, "plan.created", "plan", id, after: plan)]);
        return new(plan);
    }

    public async Task<CatalogResult<PlanInfo>> UpdatePlan(string id, PlanDefinition definition, AuditActor actor)
    {
        var before = State.Plans.FirstOrDefault(p => p.Id == id);
        if (before is null) return CatalogResult<PlanInfo>.Fail(CatalogError.NotFound, $"Plan '{id}' does not exist.");
        if ((UnknownQuotaType(definition) ?? SharedPrice(id, definition) ?? BadPrices(definition)) is { } error) return error;
        if (before.IsDefault && !definition.IsDefault)
            return CatalogResult<PlanInfo>.Fail(CatalogError.Conflict, "The default plan stays default until another plan is made default.", "isDefault");
        var plan = ToPlan(id, definition, before.Version + 1, before.Archived);
        if (plan.IsDefault && plan.Archived) return CatalogResult<PlanInfo>.Fail(CatalogError.Conflict, "An archived plan cannot be the default.", "isDefault");
        Store(plan);
        await _catalog.WriteStateAsync([AuditJournal.Record(actor, plan.UpdatedAt, null, "plan.updated", "plan", id, before, plan)]);
        return new(plan);
    }

    public async Task<CatalogResult<PlanInfo>> ArchivePlan(string id, AuditActor actor)
    {
        var before = State.Plans.FirstOrDefault(p => p.Id == id);
        if (before is null) return CatalogResult<PlanInfo>.Fail(CatalogError.NotFound, $"Plan '{id}' does not exist.");
        if (before.IsDefault) return CatalogResult<PlanInfo>.Fail(CatalogError.Conflict, "The default plan cannot be archived; make another plan default first.");
        if (before.Archived) return new(before);
        var plan = before with { Archived = true, Version = before.Version + 1, UpdatedAt = TimeProvider.GetUtcNow() };
        Store(plan);
        await _catalog.WriteStateAsync([AuditJournal.Record(actor, plan.UpdatedAt, null, "plan.archived", "plan", id)]);
        return new(plan);
    }

    private CatalogResult<PlanInfo>? UnknownQuotaType(PlanDefinition definition) =>
        definition.Quotas.Keys.FirstOrDefault(q => State.QuotaTypes.All(t => t.Id != q)) is { } unknown
            ? CatalogResult<PlanInfo>.Fail(CatalogError.Invalid, $"Quota type '{unknown}' does not exist.", "quotas")
            : null;

    private static CatalogResult<PlanInfo>? BadPrices(PlanDefinition definition) =>
        CatalogPrices.Problem(definition.Prices, definition.PriceMinor, definition.Currency) is { } problem
            ? CatalogResult<PlanInfo>.Fail(CatalogError.Invalid, problem, "prices")
            : null;

    /// <summary>A Stripe price names one plan: it is how a paid subscription finds its plan.</summary>
    private CatalogResult<PlanInfo>? SharedPrice(string id, PlanDefinition definition) =>
        definition.StripePriceId is { } price && State.Plans.FirstOrDefault(p => p.Id != id && p.StripePriceId == price) is { } other
            ? CatalogResult<PlanInfo>.Fail(CatalogError.Conflict, $"Plan '{other.Id}' already has Stripe price '{price}'.", "stripePriceId")
            : null;

    private PlanInfo ToPlan(string id, PlanDefinition d, int version, bool archived) =>
        new(id, d.Name, d.Description, d.PriceMinor, d.Currency, d.Interval, d.TrialDays, d.GraceDays,
            new Dictionary<string, long>(d.Quotas), new Dictionary<string, System.Text.Json.JsonElement>(d.Features), d.StripePriceId,
            d.IsDefault, archived, version, TimeProvider.GetUtcNow(), d.MonthlyCredits, d.CreditsRollOver,
            CatalogPrices.Of(d.Prices, d.PriceMinor, d.Currency));

    /// <summary>Replaces or adds the plan; one default at most.</summary>
    private void Store(PlanInfo plan)
    {
        if (plan.IsDefault)
            for (var i = 0; i < State.Plans.Count; i++)
                if (State.Plans[i].IsDefault && State.Plans[i].Id != plan.Id) State.Plans[i] = State.Plans[i] with { IsDefault = false };
        var index = State.Plans.FindIndex(p => p.Id == plan.Id);
        if (index >= 0) State.Plans[index] = plan;
        else State.Plans.Add(plan);
    }

    public async Task<CatalogResult<CreditPackInfo>> CreateCreditPack(string id, CreditPackDefinition definition, AuditActor actor)
    {
        if (State.CreditPacks.Any(p => p.Id == id))
            return CatalogResult<CreditPackInfo>.Fail(CatalogError.Conflict, $"Credit pack '{id}' already exists.", "id");
        if ((SharedPackPrice(id, definition) ?? BadPackPrices(definition)) is { } error) return error;
        var pack = new CreditPackInfo(id, definition.Name, definition.Credits, definition.PriceMinor, definition.Currency,
            definition.StripePriceId,
            Archived: false, TimeProvider.GetUtcNow(), CatalogPrices.Of(definition.Prices, definition.PriceMinor, definition.Currency));
        State.CreditPacks.Add(pack);
        await _catalog.WriteStateAsync([AuditJournal.Record(actor, pack.UpdatedAt, null, "credit_pack.created", "creditPack", id,
            after: pack)]);
        return new(pack);
    }

    public async Task<CatalogResult<CreditPackInfo>> UpdateCreditPack(string id, CreditPackDefinition definition, AuditActor actor)
    {
        var index = State.CreditPacks.FindIndex(p => p.Id == id);
        if (index < 0) return CatalogResult<CreditPackInfo>.Fail(CatalogError.NotFound, $"Credit pack '{id}' does not exist.");
        if ((SharedPackPrice(id, definition) ?? BadPackPrices(definition)) is { } error) return error;
        var before = State.CreditPacks[index];
        var pack = before with
        {
            Name = definition.Name,
            Credits = definition.Credits,
            PriceMinor = definition.PriceMinor,
            Currency = definition.Currency,
            StripePriceId = definition.StripePriceId,
            Prices = CatalogPrices.Of(definition.Prices, definition.PriceMinor, definition.Currency),
            UpdatedAt = TimeProvider.GetUtcNow(),
        };
        State.CreditPacks[index] = pack;
        await _catalog.WriteStateAsync([AuditJournal.Record(actor, pack.UpdatedAt, null, "credit_pack.updated", "creditPack", id, before,
            pack)]);
        return new(pack);
    }

    public async Task<CatalogResult<CreditPackInfo>> ArchiveCreditPack(string id, AuditActor actor)
    {
        var index = State.CreditPacks.FindIndex(p => p.Id == id);
        if (index < 0) return CatalogResult<CreditPackInfo>.Fail(CatalogError.NotFound, $"Credit pack '{id}' does not exist.");
        if (State.CreditPacks[index].Archived) return new(State.CreditPacks[index]);
        var pack = State.CreditPacks[index] with { Archived = true, UpdatedAt = TimeProvider.GetUtcNow() };
        State.CreditPacks[index] = pack;
        await _catalog.WriteStateAsync([AuditJournal.Record(actor, pack.UpdatedAt, null, "credit_pack.archived", "creditPack", id)]);
        return new(pack);
    }

    /// <summary>A Stripe price names one thing on sale: a payment finds its pack (or a subscription its plan) by it.</summary>
    private CatalogResult<CreditPackInfo>? SharedPackPrice(string id, CreditPackDefinition definition)
    {
        if (definition.StripePriceId is not { } price) return null;
        var owner = State.CreditPacks.FirstOrDefault(p => p.Id != id && p.StripePriceId == price)?.Id is { } pack ? $"Credit pack '{pack}'"
            : State.Plans.FirstOrDefault(p => p.StripePriceId == price)?.Id is { } plan ? $"Plan '{plan}'" : null;
        return owner is null ? null
            : CatalogResult<CreditPackInfo>.Fail(CatalogError.Conflict, $"{owner} already has Stripe price '{price}'.", "stripePriceId");
    }

    private static CatalogResult<CreditPackInfo>? BadPackPrices(CreditPackDefinition definition) =>
        CatalogPrices.Problem(definition.Prices, definition.PriceMinor, definition.Currency) is { } problem
            ? CatalogResult<CreditPackInfo>.Fail(CatalogError.Invalid, problem, "prices")
            : null;

    public async Task<CatalogResult<ToolInfo>> CreateTool(string appId, string key, string name, long creditsPerUnit, AuditActor actor)
    {
        if (State.Apps.All(a => a.Id != appId))
            return CatalogResult<ToolInfo>.Fail(CatalogError.NotFound, $"App '{appId}' does not exist.");
        var id = $"{appId}/{key}";
        if (State.Tools.Any(t => t.Id == id))
            return CatalogResult<ToolInfo>.Fail(CatalogError.Conflict, $"Tool '{id}' already exists.", "key");
        var tool = new ToolInfo(id, appId, key, name, creditsPerUnit, TimeProvider.GetUtcNow());
        State.Tools.Add(tool);
        await _catalog.WriteStateAsync([AuditJournal.Record(actor, tool.CreatedAt, null, "tool.created", "tool", id, after: tool)]);
        return new(tool);
    }
}

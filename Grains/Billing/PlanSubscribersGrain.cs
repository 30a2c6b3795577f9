namespace Tollgate.Grains.Billing;

public sealed class PlanSubscribersState
{
    public HashSet<string> Tenants { get; set; } = [];
}

[GrainType("plan-subscribers")]
public sealed class PlanSubscribersGrain([PersistentState("tenants", StorageNames.Default)] IPersistentState<PlanSubscribersState> subscribers)
    : TollgateGrain, IPlanSubscribersGrain, IStateShownOnDashboard
{
    public Task<string> GetDashboardState() => DashboardStateJson.Of(subscribers.State);

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

namespace Tollgate.Grains.Analytics;

public sealed class TopUsageState
{
    /// <summary>The kept tenants, most used first (<see cref="UsageLeaders.Kept"/>).</summary>
    public List<TenantUsage> Tenants { get; set; } = [];

    /// <summary><see cref="UsageLeaders.Floor"/>.</summary>
    public long Floor { get; set; }
}

/// <summary>
/// One month's leaders of one quota type (<see cref="UsageLeaders"/>). A report that changes nothing kept (most do, once
/// the month's leaders are known) is answered without a write.
/// </summary>
[GrainType("top-usage")]
public sealed class TopUsageGrain([PersistentState("leaders", StorageNames.Default)] IPersistentState<TopUsageState> leaders)
    : TollgateGrain, ITopUsageGrain, IStateShownOnDashboard
{
    private UsageLeaders? _leaders;
    private UsageLeaders Leaders => _leaders ??= new(UsageLeaders.DefaultCapacity, leaders.State.Tenants, leaders.State.Floor);

    public Task<string> GetDashboardState() => DashboardStateJson.Of(leaders.State);

    public async Task Report(TenantUsage usage)
    {
        if (!Leaders.Apply(usage)) return;
        leaders.State.Floor = Leaders.Floor; // the tenants' list is the one the leaders change
        try
        {
            await leaders.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle(); // memory holds what storage may not: the next report meets what was stored
            throw;
        }
    }

    public Task<TopUsage> Get(int count)
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return Task.FromResult(new TopUsage(key[..slash], key[(slash + 1)..], Leaders.Top(count)));
    }
}

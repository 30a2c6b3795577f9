namespace Tollgate.Grains.Analytics;

public sealed class RevenueMonthState
{
    public MonthFigures? Figures { get; set; }
    /// <summary>The movements added: a change delivered again (its grain retried after a failure) is added once.</summary>
    public HashSet<string> Applied { get; set; } = [];
}

[GrainType("revenue-month")]
public sealed class RevenueMonthGrain([PersistentState("month", StorageNames.Default)] IPersistentState<RevenueMonthState> month)
    : TollgateGrain, IRevenueMonthGrain, IStateShownOnDashboard
{
    public Task<string> GetDashboardState() => DashboardStateJson.Of(month.State.Figures);

    public async Task Apply(IReadOnlyList<RevenueMovement> movements)
    {
        var figures = month.State.Figures ?? Empty();
        var added = false;
        foreach (var movement in movements)
        {
            if (IRevenueMonthGrain.KeyOf(movement.Month, movement.Currency) != this.GetPrimaryKeyString())
                throw new ArgumentException($"Movement {movement.Id} is not of {this.GetPrimaryKeyString()}.", nameof(movements));
            if (!month.State.Applied.Add(movement.Id)) continue;
            figures = figures.Plus(movement);
            added = true;
        }
        if (!added) return;
        month.State.Figures = figures;
        try
        {
            await month.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle(); // memory holds what storage may not: the retry must read what was stored
            throw;
        }
    }

    public Task<MonthFigures> Get() => Task.FromResult(month.State.Figures ?? Empty());

    private MonthFigures Empty()
    {
        var key = this.GetPrimaryKeyString();
        return MonthFigures.Empty(key[..7], key[8..]);
    }
}

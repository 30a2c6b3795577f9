namespace Tollgate.Grains.Analytics;

public sealed class RevenueMonthState
{
    public MonthFigures? Figures { get; set; }
}

/// <summary>
/// Sums one month's movements in one currency. A movement delivered again (its grain retried after a failure) is added once: the
/// ids added are kept as entries beside the state, a row each (<see cref="StateEntry"/>), so a write costs the same however many
/// movements the month has. Deliveries that arrive while a write is in flight are folded into the next one, so a busy month
/// makes one write per batch, not per delivery.
/// </summary>
[Reentrant, GrainType("revenue-month")]
public sealed class RevenueMonthGrain(
    [PersistentState("month", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<RevenueMonthState>> store,
    IStateEntryReader entries)
    : RecordingGrain, IRevenueMonthGrain, IStateShownOnDashboard
{
    private readonly StateWithRecords<RevenueMonthState> _month = new(store, entries);
    private readonly List<(IReadOnlyList<RevenueMovement> Movements, TaskCompletionSource Added)> _waiting = [];
    private Task? _writing;

    private protected override IOwnedByGrain Recorded => _month;

    public Task<string> GetDashboardState() => DashboardStateJson.Of(_month.State.Figures);

    public Task Apply(IReadOnlyList<RevenueMovement> movements)
    {
        var key = this.GetPrimaryKeyString();
        if (movements.FirstOrDefault(m => IRevenueMonthGrain.KeyOf(m.Month, m.Currency) != key) is { } stranger)
            throw new ArgumentException($"Movement {stranger.Id} is not of {key}.", nameof(movements));
        var added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Add((movements, added));
        if (_writing is null || _writing.IsCompleted) _writing = WriteWaitingAsync();
        return added.Task;
    }

    public Task<MonthFigures> Get() => Task.FromResult(_month.State.Figures ?? Empty());

    /// <summary>Adds what is waiting, a batch at a time, until nothing is; each delivery's task ends when its batch is stored.</summary>
    private async Task WriteWaitingAsync()
    {
        while (_waiting.Count > 0)
        {
            var batch = _waiting.ToList();
            _waiting.Clear();
            try
            {
                await AddAsync([.. batch.SelectMany(b => b.Movements)]);
                foreach (var (_, added) in batch) added.SetResult();
            }
            catch (Exception failure)
            {
                // Memory may hold what storage does not: fail what waits too, and let the retries read what was stored.
                DeactivateOnIdle();
                foreach (var (_, added) in batch.Concat(_waiting)) added.TrySetException(failure);
                _waiting.Clear();
                return;
            }
        }
    }

    private async Task AddAsync(IReadOnlyList<RevenueMovement> movements)
    {
        var added = await _month.ReadEntriesAsync([.. movements.Select(m => m.Id).Distinct()]);
        var seen = new HashSet<string>(added.Keys, StringComparer.Ordinal);
        var figures = _month.State.Figures ?? Empty();
        var newlyAdded = new List<StateEntry>();
        foreach (var movement in movements)
        {
            if (!seen.Add(movement.Id)) continue;
            figures = figures.Plus(movement);
            // Kept for good: a movement's grain may deliver it again whenever its acknowledgement was lost.
            newlyAdded.Add(new StateEntry(movement.Id, "1"));
        }
        if (newlyAdded.Count == 0) return;
        _month.State.Figures = figures;
        await _month.WriteStateAsync([], newlyAdded);
    }

    private MonthFigures Empty()
    {
        var key = this.GetPrimaryKeyString();
        return MonthFigures.Empty(key[..7], key[8..]);
    }
}

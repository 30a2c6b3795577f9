using System.Text.Json;

namespace Tollgate.Storage.Tests.Grains;

public sealed class TallyGrain([PersistentState(TallyGrain.StateName, StorageNames.GroupCommit)] IPersistentState<TallyState> state)
    : Grain, ITallyGrain
{
    public const string StateName = "tally";

    public async Task AddAsync(long amount, string entryKey)
    {
        var tally = state.State;
        tally.Count += amount;
        var payload = JsonSerializer.Serialize(new { amount, count = tally.Count });
        tally.Records.Add(new SequencedRecord(++tally.LastSequence, new JournalRecord("audit", "tally", "added", DateTimeOffset.UtcNow, payload)));
        tally.Entries.Add(new StateEntry(entryKey, payload, DateTimeOffset.UtcNow.AddDays(1)));
        await state.WriteStateAsync();
    }

    public Task<long> GetAsync() => Task.FromResult(state.State.Count);
}

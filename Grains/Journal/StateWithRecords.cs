namespace Tollgate.Grains.Journal;

/// <summary>
/// A grain's persistent state whose writes carry journal records and entries. The grain's
/// <c>[PersistentState]</c> names the group-commit storage (<see cref="StorageNames.GroupCommit"/>),
/// which commits the state and what it carries in one transaction: a record exists if and only if its
/// change was committed, and a write that lost its etag race stores none of them.
/// </summary>
public sealed class StateWithRecords<TState>(IPersistentState<StateAndOutbox<TState>> store, IStateEntryReader entries)
    : IOwnedByGrain where TState : class, new()
{
    private string? _grainId;
    private readonly List<JournalRecord> _withNextWrite = [];

    /// <summary>The grain whose entries these are, as the journal names it; set when the grain activates.</summary>
    private string Owner => _grainId ?? throw new InvalidOperationException("The state's grain has not activated.");

    void IOwnedByGrain.Bind(GrainId grainId) => _grainId = grainId.ToString();

    public TState State
    {
        get => store.State.Data;
        set => store.State.Data = value;
    }

    public bool RecordExists => store.RecordExists;

    /// <summary>
    /// A record for the next write to carry beside its own: one built where a change is described (a grain's audit
    /// helper adding the event the change is), written by the write that makes the change.
    /// </summary>
    public void AddToNextWrite(JournalRecord record) => _withNextWrite.Add(record);

    public Task WriteStateAsync() => WriteStateAsync([], []);

    public Task WriteStateAsync(IReadOnlyList<JournalRecord> records) => WriteStateAsync(records, []);

    /// <summary>Stores the state with the records and entries, in one transaction.</summary>
    public Task WriteStateAsync(IReadOnlyList<JournalRecord> records, IReadOnlyList<StateEntry> entries) =>
        CommitAsync(store.State, records, entries);

    /// <summary>
    /// Writes a snapshot of the state (a reentrant grain keeps changing its own copy while storage
    /// serializes this one off the grain's thread) with the records and entries.
    /// </summary>
    public Task WriteSnapshotAsync(TState snapshot, IReadOnlyList<JournalRecord> records, IReadOnlyList<StateEntry> entries)
    {
        // Records a failed write gave back stay in the outbox: the next write carries them again.
        var outbox = new JournalOutbox
        {
            LastSequence = store.State.Outbox.LastSequence,
            Records = [.. store.State.Outbox.Records],
            Entries = [.. store.State.Outbox.Entries],
        };
        return CommitAsync(new StateAndOutbox<TState> { Data = snapshot, Outbox = outbox }, records, entries);
    }

    private Task CommitAsync(StateAndOutbox<TState> stored, IReadOnlyList<JournalRecord> records, IReadOnlyList<StateEntry> written)
    {
        var outbox = stored.Outbox;
        foreach (var record in records.Concat(_withNextWrite)) outbox.Records.Add(new SequencedRecord(++outbox.LastSequence, record));
        _withNextWrite.Clear();
        outbox.Entries.AddRange(written);
        store.State = stored;
        return store.WriteStateAsync();
    }

    /// <summary>Those of the named entries that are stored, by key.</summary>
    public Task<IReadOnlyDictionary<string, string>> ReadEntriesAsync(IReadOnlyCollection<string> keys) =>
        entries.ReadEntriesAsync(Owner, keys);
}

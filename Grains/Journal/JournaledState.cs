namespace Tollgate.Grains.Journal;

/// <summary>
/// A grain's persistent state with its journal outbox. A write stores the state and the records it
/// carries in one row; then the records are copied into the journal's tables, before the caller gets
/// its answer. The grain is marked pending before the write, and the copy unmarks it, so the silo's
/// recovery finds a grain that crashed between the two steps and wakes it to copy its outbox.
/// On a storage that journals with the state (<see cref="GroupCommitGrainStorage"/>) the write itself
/// commits the records, so there is neither a mark nor a copy.
/// </summary>
public sealed class JournaledState<TState> : IJournalOutboxOwner where TState : class, new()
{
    private readonly IPersistentState<Journaled<TState>> _store;
    private readonly IJournalWriter _journal;
    private readonly bool _journalsWithState;
    private string? _grainId;
    private Task? _flushing;

    /// <param name="journalsWithState">
    /// The store commits the outbox with the state (it takes it, as <see cref="IJournalCarrier"/>): the
    /// grain is then never marked pending and copies nothing after a write. It must match the storage
    /// named in the grain's <c>[PersistentState]</c>: on another storage the records would never be copied.
    /// </param>
    public JournaledState(IPersistentState<Journaled<TState>> store, IJournalWriter journal, bool journalsWithState = false) =>
        (_store, _journal, _journalsWithState) = (store, journal, journalsWithState);

    /// <summary>The grain whose records these are, as the journal names it; set when the grain activates.</summary>
    private string Owner => _grainId ?? throw new InvalidOperationException("The journaled state's grain has not activated.");

    void IJournalOutboxOwner.Bind(GrainId grainId) => _grainId = grainId.ToString();

    public TState State
    {
        get => _store.State.Data;
        set => _store.State.Data = value;
    }

    public bool RecordExists => _store.RecordExists;

    public Task WriteStateAsync() => WriteStateAsync([], []);

    public Task WriteStateAsync(IReadOnlyList<JournalRecord> records) => WriteStateAsync(records, []);

    /// <summary>Stores the state with the records and entries, then copies them into the journal.</summary>
    public Task WriteStateAsync(IReadOnlyList<JournalRecord> records, IReadOnlyList<StateEntry> entries) =>
        CommitAsync(_store.State, records, entries);

    /// <summary>
    /// Writes a snapshot of the state (a reentrant grain keeps changing its own copy while storage
    /// serializes this one off the grain's thread) with the records and entries, then copies them.
    /// </summary>
    public Task WriteSnapshotAsync(TState snapshot, IReadOnlyList<JournalRecord> records, IReadOnlyList<StateEntry> entries)
    {
        // Records a failed copy left in the outbox stay in it: they are committed, and still to be copied.
        var outbox = new JournalOutbox
        {
            LastSequence = _store.State.Outbox.LastSequence,
            Records = [.. _store.State.Outbox.Records],
            Entries = [.. _store.State.Outbox.Entries],
        };
        return CommitAsync(new Journaled<TState> { Data = snapshot, Outbox = outbox }, records, entries);
    }

    private async Task CommitAsync(Journaled<TState> stored, IReadOnlyList<JournalRecord> records, IReadOnlyList<StateEntry> entries)
    {
        var outbox = stored.Outbox;
        foreach (var record in records) outbox.Records.Add(new SequencedRecord(++outbox.LastSequence, record));
        outbox.Entries.AddRange(entries);
        if (_journalsWithState)
        {
            _store.State = stored;
            await _store.WriteStateAsync();
            return;
        }
        if (!outbox.IsEmpty) await _journal.MarkPendingAsync(Owner);
        _store.State = stored;
        await _store.WriteStateAsync();
        await FlushAsync();
    }

    /// <summary>Those of the named entries that are stored, by key.</summary>
    public Task<IReadOnlyDictionary<string, string>> ReadEntriesAsync(IReadOnlyCollection<string> keys) =>
        _journal.ReadEntriesAsync(Owner, keys);

    /// <summary>
    /// Copies the outbox into the journal (skipping what is there already) and empties it in memory.
    /// One copy at a time: the silo's recovery may ask a reentrant grain while its own copy runs.
    /// </summary>
    public async Task FlushAsync()
    {
        while (_flushing is { } running) await Task.WhenAny(running); // its failure is its caller's; this copy goes on
        var outbox = _store.State.Outbox;
        if (outbox.IsEmpty) return;
        var (records, entries) = (outbox.Records.ToList(), outbox.Entries.ToList());
        _flushing = _journal.WriteAsync(Owner, records, entries);
        try
        {
            await _flushing;
        }
        finally
        {
            _flushing = null;
        }
        // The next write stores the emptied outbox; until then a reactivation copies it again, harmlessly.
        outbox.Records.RemoveRange(0, records.Count);
        outbox.Entries.RemoveRange(0, entries.Count);
    }
}

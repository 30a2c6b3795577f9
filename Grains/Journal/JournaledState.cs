namespace Tollgate.Grains.Journal;

/// <summary>
/// A grain's persistent state with its journal outbox. A write stores the state and the records it
/// carries in one row; then the records are copied into the journal's tables, before the caller gets
/// its answer. The grain is marked pending before the write, and the copy unmarks it, so the silo's
/// recovery finds a grain that crashed between the two steps and wakes it to copy its outbox.
/// </summary>
public sealed class JournaledState<TState> : IJournalOutboxOwner where TState : class, new()
{
    private readonly IPersistentState<Journaled<TState>> _store;
    private readonly IJournalWriter _journal;
    private string? _grainId;

    public JournaledState(IPersistentState<Journaled<TState>> store, IJournalWriter journal) => (_store, _journal) = (store, journal);

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
    public async Task WriteStateAsync(IReadOnlyList<JournalRecord> records, IReadOnlyList<StateEntry> entries)
    {
        var outbox = _store.State.Outbox;
        foreach (var record in records) outbox.Records.Add(new SequencedRecord(++outbox.LastSequence, record));
        outbox.Entries.AddRange(entries);
        if (!outbox.IsEmpty) await _journal.MarkPendingAsync(Owner);
        await _store.WriteStateAsync();
        await FlushAsync();
    }

    /// <summary>
    /// Writes a snapshot of the state (a reentrant grain keeps changing its own copy while storage
    /// serializes this one off the grain's thread) with the records and entries, then copies them.
    /// </summary>
    public async Task WriteSnapshotAsync(TState snapshot, IReadOnlyList<JournalRecord> records, IReadOnlyList<StateEntry> entries)
    {
        var outbox = new JournalOutbox { LastSequence = _store.State.Outbox.LastSequence };
        foreach (var record in records) outbox.Records.Add(new SequencedRecord(++outbox.LastSequence, record));
        outbox.Entries.AddRange(entries);
        if (!outbox.IsEmpty) await _journal.MarkPendingAsync(Owner);
        _store.State = new Journaled<TState> { Data = snapshot, Outbox = outbox };
        await _store.WriteStateAsync();
        await FlushAsync();
    }

    /// <summary>Those of the named entries that are stored, by key.</summary>
    public Task<IReadOnlyDictionary<string, string>> ReadEntriesAsync(IReadOnlyCollection<string> keys) =>
        _journal.ReadEntriesAsync(Owner, keys);

    /// <summary>Copies the outbox into the journal (skipping what is there already) and empties it in memory.</summary>
    public async Task FlushAsync()
    {
        var outbox = _store.State.Outbox;
        if (outbox.IsEmpty) return;
        var (records, entries) = (outbox.Records.ToList(), outbox.Entries.ToList());
        await _journal.WriteAsync(Owner, records, entries);
        // The next write stores the emptied outbox; until then a reactivation copies it again, harmlessly.
        outbox.Records.RemoveRange(0, records.Count);
        outbox.Entries.RemoveRange(0, entries.Count);
    }
}

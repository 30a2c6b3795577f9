namespace Tollgate.Grains.Quotas;

/// <summary>
/// Group commit for one grain: one write in flight at a time; changes made meanwhile gather, with
/// their journal records and state entries, and share the next write. Every method runs on the
/// grain's single thread, interleaving only at awaits.
/// </summary>
/// <param name="write">
/// Stores the grain's current state with these records and entries. What it stores must be taken
/// before its first await: changes made after it started belong to the next write.
/// </param>
/// <param name="broken">Called once a write failed: memory may hold changes storage refused, and none may be written now.</param>
public sealed class GroupCommitWriter(Func<IReadOnlyList<JournalRecord>, IReadOnlyList<StateEntry>, Task> write, Action broken)
{
    private Batch? _writing;              // serialized and in flight: nobody may join it any more
    private Batch? _pending;              // starts when the write in flight ends; changes made meanwhile join it
    // Null between writes: a grain that holds no young object after its write leaves the GC no
    // old-to-young reference to trace, which with thousands of counters is most of a gen0 pause.
    private List<JournalRecord>? _records;
    private List<StateEntry>? _entries;

    private sealed class Batch
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A write failed: the grain must reload before it decides anything more.</summary>
    public bool Broken { get; private set; }

    /// <summary>The write in flight, if any.</summary>
    public Task? InFlight => _writing?.Committed.Task;

    /// <summary>A record for the next write.</summary>
    public void Add(JournalRecord record) => (_records ??= []).Add(record);

    /// <summary>A state entry for the next write.</summary>
    public void Add(StateEntry entry) => (_entries ??= []).Add(entry);

    /// <summary>Completes once a write carrying the current state has committed.</summary>
    public Task WriteAsync()
    {
        if (_pending is { } pending) return pending.Committed.Task;
        var batch = new Batch();
        if (_writing is null) _ = RunAsync(batch);
        else _pending = batch;
        return batch.Committed.Task;
    }

    /// <summary>Completes once everything decided so far is durable, without writing anything new.</summary>
    public Task DurableAsync() => (_pending ?? _writing)?.Committed.Task ?? Task.CompletedTask;

    /// <summary>Writes one batch, then the one that gathered behind it. Never throws: outcomes go to the batches.</summary>
    private async Task RunAsync(Batch batch)
    {
        _writing = batch;
        IReadOnlyList<JournalRecord> records = _records ?? [];
        IReadOnlyList<StateEntry> entries = _entries ?? [];
        (_records, _entries) = (null, null);
        try
        {
            await write(records, entries);
            _writing = null;
            batch.Committed.SetResult();
        }
        catch (Exception exception)
        {
            Broken = true;
            _writing = null;
            broken();
            batch.Committed.SetException(exception);
            if (_pending is { } stranded)
            {
                _pending = null;
                stranded.Committed.SetException(exception);
            }
            return;
        }
        if (_pending is { } next)
        {
            _pending = null;
            _ = RunAsync(next);
        }
    }
}

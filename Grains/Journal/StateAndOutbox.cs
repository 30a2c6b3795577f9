namespace Tollgate.Grains.Journal;

/// <summary>
/// What a recording grain stores: its own state and the outbox of journal records and entries that
/// its write carries. The group-commit storage takes the outbox out (<see cref="IJournalCarrier"/>)
/// and commits it with the state in one transaction, so a stored row's outbox is empty but for its
/// last sequence. The JSON names (<c>data</c>, <c>outbox</c>) are those earlier versions stored.
/// </summary>
public sealed class StateAndOutbox<TState> : IJournalCarrier where TState : class, new()
{
    public TState Data { get; set; } = new();
    public JournalOutbox Outbox { get; set; } = new();

    /// <summary>Empties the outbox, keeping its last sequence for the records still to come.</summary>
    public (IReadOnlyList<SequencedRecord> Records, IReadOnlyList<StateEntry> Entries) TakeJournal()
    {
        var taken = (Outbox.Records, Outbox.Entries);
        (Outbox.Records, Outbox.Entries) = ([], []);
        return taken;
    }

    public void ReturnJournal(IReadOnlyList<SequencedRecord> records, IReadOnlyList<StateEntry> entries)
    {
        Outbox.Records.InsertRange(0, records);
        Outbox.Entries.InsertRange(0, entries);
    }
}

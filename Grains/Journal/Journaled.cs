namespace Tollgate.Grains.Journal;

/// <summary>
/// What a journaled grain stores: its own state and the outbox of journal records and entries that
/// its last committed write carried. They are stored together, so a record is pending exactly when
/// its change is committed; the grain then copies the outbox into the journal's tables. A storage
/// that journals (<see cref="IJournalCarrier"/>) instead takes the outbox and commits it with the state.
/// </summary>
public sealed class Journaled<TState> : IJournalCarrier where TState : class, new()
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

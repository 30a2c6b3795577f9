namespace Tollgate.Storage;

/// <summary>
/// A grain state that carries journal records and entries (an outbox) to be committed with it. A
/// storage that journals (the group-commit storage) takes them out, stores the state without
/// them and inserts them in the same transaction, so they need no copying afterwards.
/// </summary>
public interface IJournalCarrier
{
    /// <summary>Takes the records and entries out of the state, leaving it to be stored without them.</summary>
    (IReadOnlyList<SequencedRecord> Records, IReadOnlyList<StateEntry> Entries) TakeJournal();

    /// <summary>Puts back what <see cref="TakeJournal"/> took: the write meant to commit it failed.</summary>
    void ReturnJournal(IReadOnlyList<SequencedRecord> records, IReadOnlyList<StateEntry> entries);
}

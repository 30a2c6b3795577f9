namespace Tollgate.Grains.Journal;

/// <summary>
/// Records and entries committed with a grain's state but perhaps not yet copied into the journal.
/// Copying is idempotent (unique on grain and sequence), so an outbox copied twice stores each once.
/// </summary>
public sealed class JournalOutbox
{
    /// <summary>The sequence of the grain's last record: the next one takes the number after it.</summary>
    public long LastSequence { get; set; }
    public List<SequencedRecord> Records { get; set; } = [];
    public List<StateEntry> Entries { get; set; } = [];

    public bool IsEmpty => Records.Count == 0 && Entries.Count == 0;
}

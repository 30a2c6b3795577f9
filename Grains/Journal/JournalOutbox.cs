namespace Tollgate.Grains.Journal;

/// <summary>
/// Records and entries a grain's next write commits with its state. Inserting is idempotent (unique on
/// grain and sequence), so records a failed write gave back and the next write carries again store once.
/// </summary>
public sealed class JournalOutbox
{
    /// <summary>The sequence of the grain's last record: the next one takes the number after it.</summary>
    public long LastSequence { get; set; }
    public List<SequencedRecord> Records { get; set; } = [];
    public List<StateEntry> Entries { get; set; } = [];
}

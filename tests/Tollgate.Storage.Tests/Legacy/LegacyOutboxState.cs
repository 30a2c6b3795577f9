using Tollgate.Storage.Tests.Grains;

namespace Tollgate.Storage.Tests.Legacy;

/// <summary>
/// The shape earlier versions stored a journaled grain's state in on Orleans' storage: its data, and
/// the outbox of records its last write committed, to be copied into the journal after the write.
/// </summary>
public sealed class LegacyOutboxState
{
    public NoteState Data { get; set; } = new();
    public LegacyOutbox Outbox { get; set; } = new();
}

public sealed class LegacyOutbox
{
    public long LastSequence { get; set; }
    public List<SequencedRecord> Records { get; set; } = [];
    public List<StateEntry> Entries { get; set; } = [];
}

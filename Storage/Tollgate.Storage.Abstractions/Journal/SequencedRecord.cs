namespace Tollgate.Storage;

/// <summary>A journal record numbered by the grain that wrote it: copying it twice stores it once.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.SequencedRecord")]
public sealed record SequencedRecord(long Sequence, JournalRecord Record);

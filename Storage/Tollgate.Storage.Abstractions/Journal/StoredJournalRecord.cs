namespace Tollgate.Storage;

/// <summary>A stored journal record with the sequence number the database gave it (increasing).</summary>
public sealed record StoredJournalRecord(long Sequence, string Stream, string Scope, string Name, DateTimeOffset At, string Payload);

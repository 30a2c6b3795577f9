namespace Tollgate.Runtime;

/// <summary>
/// An append-only record (an audit entry, a usage record) that a grain writes together with its
/// state, in one transaction, and that can be queried across grains.
/// </summary>
/// <param name="Stream">The kind of record, e.g. "audit".</param>
/// <param name="Scope">What the record belongs to, e.g. a tenant id; queries filter on it.</param>
/// <param name="Name">A short name to filter on, e.g. the audit action.</param>
/// <param name="At">When it happened.</param>
/// <param name="Payload">The record itself, as JSON.</param>
public sealed record JournalRecord(string Stream, string Scope, string Name, DateTimeOffset At, string Payload);

/// <summary>A stored journal record with the sequence number the database gave it (increasing).</summary>
public sealed record StoredJournalRecord(long Sequence, string Stream, string Scope, string Name, DateTimeOffset At, string Payload);

/// <summary>
/// Newest first, or oldest first with <see cref="OldestFirst"/>. <see cref="Before"/> and
/// <see cref="After"/> bound the sequence (exclusive): a cursor, or a range known to hold the records.
/// </summary>
public sealed record JournalQuery(string Stream)
{
    public string? Scope { get; init; }
    public string? Name { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public long? Before { get; init; }
    public long? After { get; init; }
    public bool OldestFirst { get; init; }
    public int Limit { get; init; } = 100;
}

/// <summary>Reads journal records across grains, for reports and exports.</summary>
public interface IJournalReader
{
    Task<IReadOnlyList<StoredJournalRecord>> ReadAsync(JournalQuery query, CancellationToken cancellationToken = default);
}

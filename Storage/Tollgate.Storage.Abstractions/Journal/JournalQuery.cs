namespace Tollgate.Storage;

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

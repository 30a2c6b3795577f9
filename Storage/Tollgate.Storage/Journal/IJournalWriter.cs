namespace Tollgate.Storage;

/// <summary>
/// Where grains copy the records and entries their committed writes carried (their outbox). A grain
/// is marked pending before it commits records and unmarked when they are copied, so a crash between
/// the two leaves a mark the silo's recovery finds.
/// </summary>
public interface IJournalWriter
{
    /// <summary>Marks the grain as possibly holding records not yet copied.</summary>
    Task MarkPendingAsync(string grainId, CancellationToken cancellationToken = default);

    /// <summary>
    /// In one transaction: inserts the records (one already stored for the grain and sequence is
    /// skipped), stores or removes the entries, and unmarks the grain.
    /// </summary>
    Task WriteAsync(string grainId, IReadOnlyList<SequencedRecord> records, IReadOnlyList<StateEntry> entries,
        CancellationToken cancellationToken = default);

    /// <summary>Those of the named entries that are stored for the grain, by key.</summary>
    Task<IReadOnlyDictionary<string, string>> ReadEntriesAsync(string grainId, IReadOnlyCollection<string> entryKeys,
        CancellationToken cancellationToken = default);

    /// <summary>Grains marked pending since before <paramref name="markedBefore"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<string>> ReadPendingAsync(DateTimeOffset markedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>Removes entries that expired by <paramref name="by"/>, the oldest first, a bounded number; returns how many.</summary>
    Task<int> RemoveExpiredEntriesAsync(DateTimeOffset by, CancellationToken cancellationToken = default);
}

namespace Tollgate.Storage.Tests.Journal;

/// <summary>Records for journal tests.</summary>
internal static class JournalRecords
{
    public static readonly DateTimeOffset At = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    public static SequencedRecord Audit(long sequence, string scope = "tenant-1", string payload = "{}") =>
        new(sequence, new JournalRecord("audit", scope, "changed", At.AddSeconds(sequence), payload));

    public static Task<IReadOnlyList<StoredJournalRecord>> ReadAuditAsync(this IJournalReader journal, string scope) =>
        journal.ReadAsync(new JournalQuery("audit") { Scope = scope, Limit = 100_000, OldestFirst = true });
}

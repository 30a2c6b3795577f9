namespace Tollgate.Storage.Tests.Journal;

/// <summary>Records copied from grains' outboxes: each stored once, however often or concurrently it is copied.</summary>
public sealed class JournalRecordTests
{
    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task A_record_copied_twice_or_twice_at_once_is_stored_once(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var journal = await SqlJournal.OpenAsync(target.Options());

        await journal.WriteAsync("grain-a", [JournalRecords.Audit(1)], []);
        await journal.WriteAsync("grain-a", [JournalRecords.Audit(1), JournalRecords.Audit(2)], []);
        // Likely carried by one transaction: the second insert meets the first's row, not a committed one.
        await Task.WhenAll(journal.WriteAsync("grain-a", [JournalRecords.Audit(3)], []), journal.WriteAsync("grain-a", [JournalRecords.Audit(3)], []));
        // Another grain's sequence numbers are its own.
        await journal.WriteAsync("grain-b", [JournalRecords.Audit(1)], []);

        var stored = await journal.ReadAuditAsync("tenant-1");
        Assert.Equal([1, 2, 3, 1], stored.Select(record => record.At.Second));
    }

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task Many_concurrent_writes_from_many_grains_are_all_stored(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var journal = await SqlJournal.OpenAsync(target.Options());

        await Task.WhenAll(Enumerable.Range(0, 2_000).Select(i =>
            journal.WriteAsync($"grain-{i % 50}", [JournalRecords.Audit(i / 50, payload: $"{{\"i\":{i}}}")], [])));

        var stored = await journal.ReadAuditAsync("tenant-1");
        Assert.Equal(Enumerable.Range(0, 2_000).Select(i => $"{{\"i\":{i}}}").Order(), stored.Select(record => record.Payload).Order());
        Assert.Equal(2_000, stored.Select(record => record.Sequence).Distinct().Count());
    }

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task Queries_filter_by_scope_and_page_by_sequence(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var journal = await SqlJournal.OpenAsync(target.Options());
        for (var i = 1; i <= 5; i++) await journal.WriteAsync("grain-a", [JournalRecords.Audit(i, scope: i % 2 == 0 ? "even" : "odd")], []);

        var newestOdd = await journal.ReadAsync(new JournalQuery("audit") { Scope = "odd", Limit = 2 });
        Assert.Equal([5, 3], newestOdd.Select(record => record.At.Second));
        var nextPage = await journal.ReadAsync(new JournalQuery("audit") { Scope = "odd", Before = newestOdd[^1].Sequence });
        Assert.Equal([1], nextPage.Select(record => record.At.Second));
        Assert.Empty(await journal.ReadAsync(new JournalQuery("usage")));
    }
}

namespace Tollgate.Storage.Tests.Journal;

/// <summary>
/// Writes from many grains share transactions; one write the database refuses fails alone, and the
/// others carried with it are stored and acknowledged.
/// </summary>
public sealed class WriteFailureTests
{
    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task A_refused_write_fails_alone_and_the_writes_sharing_its_transaction_are_stored(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        // One writer, so everything queued behind the lock goes into the transaction after it.
        var options = target.Options();
        options.WriteConcurrency = 1;
        await using var journal = await SqlJournal.OpenAsync(options);
        var refused = JournalRecords.Audit(1) with { Record = JournalRecords.Audit(1).Record with { Payload = null! } }; // payload is NOT NULL

        Task bad;
        List<Task> good;
        await using (await WriteLock.TakeAsync(target))
        {
            good = Enumerable.Range(0, 100).Select(i => journal.WriteAsync($"grain-{i}", [JournalRecords.Audit(1)], [])).ToList();
            bad = journal.WriteAsync("bad-grain", [refused], []);
            good.AddRange(Enumerable.Range(100, 100).Select(i => journal.WriteAsync($"grain-{i}", [JournalRecords.Audit(1)], [])));
        }

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => bad);
        await Task.WhenAll(good);
        Assert.Equal(200, (await journal.ReadAuditAsync("tenant-1")).Count);
    }

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task A_refused_write_on_its_own_fails_and_leaves_the_journal_writable(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var journal = await SqlJournal.OpenAsync(target.Options());
        var refused = JournalRecords.Audit(1) with { Record = JournalRecords.Audit(1).Record with { Payload = null! } };

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => journal.WriteAsync("bad-grain", [refused], []));
        await journal.WriteAsync("grain-a", [JournalRecords.Audit(1)], []);
        Assert.Single(await journal.ReadAuditAsync("tenant-1"));
    }
}

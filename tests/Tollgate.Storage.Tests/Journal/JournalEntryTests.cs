namespace Tollgate.Storage.Tests.Journal;

/// <summary>Entries kept beside a grain's state: stored, replaced, removed, and swept once expired.</summary>
public sealed class JournalEntryTests
{
    private static readonly DateTimeOffset Later = DateTimeOffset.UtcNow.AddDays(1);

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task Entries_are_stored_replaced_removed_and_read_per_grain(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var journal = await SqlJournal.OpenAsync(target.Options());

        await journal.WriteAsync("grain-a", [], [new StateEntry("k1", "one", Later), new StateEntry("k2", "two", Later)]);
        await journal.WriteAsync("grain-b", [], [new StateEntry("k1", "b's", Later)]);
        await journal.WriteAsync("grain-a", [], [new StateEntry("k1", "one again", Later), new StateEntry("k2", null)]);

        var entries = await journal.ReadEntriesAsync("grain-a", ["k1", "k2", "k3"]);
        Assert.Equal(new Dictionary<string, string> { ["k1"] = "one again" }, entries);
        Assert.Equal("b's", (await journal.ReadEntriesAsync("grain-b", ["k1"]))["k1"]);
        Assert.Empty(await journal.ReadEntriesAsync("grain-a", []));
    }

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task The_sweep_removes_expired_entries_only(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var journal = await SqlJournal.OpenAsync(target.Options());
        var now = new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
        await journal.WriteAsync("grain-a", [],
            [new StateEntry("old", "x", now.AddSeconds(-1)), new StateEntry("due", "x", now), new StateEntry("fresh", "x", now.AddSeconds(1))]);

        Assert.Equal(2, await journal.RemoveExpiredEntriesAsync(now));
        Assert.Equal(0, await journal.RemoveExpiredEntriesAsync(now));
        Assert.Equal(["fresh"], (await journal.ReadEntriesAsync("grain-a", ["old", "due", "fresh"])).Keys);
    }
}

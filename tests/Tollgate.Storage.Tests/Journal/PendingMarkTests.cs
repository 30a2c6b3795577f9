namespace Tollgate.Storage.Tests.Journal;

/// <summary>
/// A grain is marked pending before it commits records and unmarked when they are copied: the marks
/// left behind are what the silo's recovery looks for.
/// </summary>
public sealed class PendingMarkTests
{
    private static readonly DateTimeOffset Future = DateTimeOffset.UtcNow.AddHours(1);

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task A_mark_is_read_until_a_write_for_its_grain_unmarks_it(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var journal = await SqlJournal.OpenAsync(target.Options());

        await journal.MarkPendingAsync("grain-a");
        await journal.MarkPendingAsync("grain-a");
        await journal.MarkPendingAsync("grain-b");
        Assert.Equal(["grain-a", "grain-b"], (await journal.ReadPendingAsync(Future, 10)).Order());
        Assert.Single(await journal.ReadPendingAsync(Future, 1));
        Assert.Empty(await journal.ReadPendingAsync(DateTimeOffset.UtcNow.AddHours(-1), 10));

        await journal.WriteAsync("grain-a", [JournalRecords.Audit(1)], []);
        Assert.Equal(["grain-b"], await journal.ReadPendingAsync(Future, 10));
        await journal.WriteAsync("grain-b", [], []);
        Assert.Empty(await journal.ReadPendingAsync(Future, 10));
    }
}

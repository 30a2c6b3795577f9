using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Tollgate.Storage.Reminders;

namespace Tollgate.Storage.Tests;

/// <summary>The contract Orleans' reminder service expects of <see cref="IReminderTable"/>, on Tollgate's SQLite table.</summary>
public sealed class SqliteReminderTableTests : IAsyncLifetime
{
    private StorageTarget _target = null!;
    private SqlDatabase _database = null!;
    private SqliteReminderTable _table = null!;

    public async Task InitializeAsync()
    {
        _target = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        _database = await Databases.OpenMigratedAsync(_target);
        _table = TableFor("service");
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _target.DisposeAsync();
    }

    private SqliteReminderTable TableFor(string serviceId) =>
        new(_database, Options.Create(new ClusterOptions { ServiceId = serviceId }));

    private static ReminderEntry Entry(GrainId grain, string name, TimeSpan period) =>
        new() { GrainId = grain, ReminderName = name, StartAt = DateTime.UtcNow, Period = period };

    [Fact]
    public async Task Upsert_inserts_then_updates_and_a_read_returns_what_was_stored()
    {
        var grain = GrainId.Create("tick", "a");
        var startAt = new DateTime(2026, 12, 2, 10, 0, 0, 123, DateTimeKind.Utc);
        var first = await _table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "r", StartAt = startAt, Period = TimeSpan.FromMinutes(1) });
        var second = await _table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "r", StartAt = startAt, Period = TimeSpan.FromMinutes(2) });

        Assert.NotEqual(first, second);
        var row = await _table.ReadRow(grain, "r");
        Assert.NotNull(row);
        Assert.Equal((grain, "r", startAt, TimeSpan.FromMinutes(2), second), (row.GrainId, row.ReminderName, row.StartAt, row.Period, row.ETag));
        Assert.Null(await _table.ReadRow(grain, "other"));
        Assert.Single((await _table.ReadRows(grain)).Reminders);
    }

    [Fact]
    public async Task Remove_with_a_stale_etag_changes_nothing_and_with_the_current_one_removes_the_row()
    {
        var grain = GrainId.Create("tick", "a");
        var stale = await _table.UpsertRow(Entry(grain, "r", TimeSpan.FromMinutes(1)));
        var current = await _table.UpsertRow(Entry(grain, "r", TimeSpan.FromMinutes(2)));

        Assert.False(await _table.RemoveRow(grain, "r", stale!));
        Assert.False(await _table.RemoveRow(grain, "r", "not-an-etag"));
        Assert.NotNull(await _table.ReadRow(grain, "r"));
        Assert.True(await _table.RemoveRow(grain, "r", current!));
        Assert.Null(await _table.ReadRow(grain, "r"));
        Assert.False(await _table.RemoveRow(grain, "r", current!));
    }

    [Fact]
    public async Task Hash_ranges_select_as_the_ring_means_them_including_wrapping_past_the_top()
    {
        var grains = Enumerable.Range(0, 60).Select(i => GrainId.Create("tick", $"g{i}")).ToList();
        foreach (var grain in grains) await _table.UpsertRow(Entry(grain, "r", TimeSpan.FromMinutes(1)));
        var hashes = grains.ConvertAll(grain => grain.GetUniformHashCode());
        var random = new Random(7);
        var ranges = new List<(uint Begin, uint End)>
        {
            (0, 0), (uint.MaxValue, uint.MaxValue), (uint.MaxValue, 0), (0, uint.MaxValue), (hashes[0], hashes[0]),
            (hashes[1], hashes[2]), (hashes[2], hashes[1]), (hashes[3] - 1, hashes[3]), (hashes[3], hashes[3] + 1),
        };
        for (var i = 0; i < 40; i++) ranges.Add(((uint)random.NextInt64(0, 1L << 32), (uint)random.NextInt64(0, 1L << 32)));

        foreach (var (begin, end) in ranges)
        {
            // Orleans' meaning: (begin, end], wrapping when begin is not below end, the whole ring when they are equal.
            var expected = grains.Where(grain => InRange(grain.GetUniformHashCode(), begin, end)).Select(grain => grain.ToString()).Order();
            var actual = (await _table.ReadRows(begin, end)).Reminders.Select(entry => entry.GrainId.ToString()).Order();
            Assert.True(expected.SequenceEqual(actual), $"range ({begin}, {end}]");
        }
    }

    private static bool InRange(uint hash, uint begin, uint end) => begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    [Fact]
    public async Task Services_sharing_the_database_see_only_their_own_reminders_and_clear_only_their_own()
    {
        var other = TableFor("other-service");
        var grain = GrainId.Create("tick", "a");
        await _table.UpsertRow(Entry(grain, "r", TimeSpan.FromMinutes(1)));
        await other.UpsertRow(Entry(grain, "r", TimeSpan.FromMinutes(1)));

        await _table.TestOnlyClearTable();

        Assert.Empty((await _table.ReadRows(0, 0)).Reminders);
        Assert.Single((await other.ReadRows(0, 0)).Reminders);
    }
}

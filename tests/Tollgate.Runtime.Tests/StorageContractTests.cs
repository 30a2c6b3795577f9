using Tollgate.Runtime.Reminders;
using Tollgate.Runtime.Storage;
using Tollgate.Testing;

namespace Tollgate.Runtime.Tests;

/// <summary>One contract, run against every provider.</summary>
public sealed class StorageContractTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _cleanup = [];

    public static TheoryData<StorageProviderKind> Providers => SiloTestBase.AllProviders;

    private static readonly GrainStateKey Key = new("counter", "k1", "state");

    private async Task<IStorageProvider> OpenAsync(StorageProviderKind provider, StorageTarget? target = null)
    {
        if (target is null)
        {
            target = await StorageTarget.CreateAsync(provider);
            _cleanup.Add(target);
        }
        var storage = StorageProviders.Create(new StorageOptions { Provider = provider, ConnectionString = target.ConnectionString }, target.Memory);
        _cleanup.Insert(0, storage);
        await storage.InitializeAsync(CancellationToken.None);
        return storage;
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_state_never_written_reads_as_missing(StorageProviderKind provider)
    {
        var storage = await OpenAsync(provider);

        Assert.Null(await storage.GrainStorage.ReadAsync(Key));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Writes_bump_the_version_and_read_back_exactly(StorageProviderKind provider)
    {
        var states = (await OpenAsync(provider)).GrainStorage;

        Assert.Equal(1, await states.WriteAsync(Key, """{"value":1}""", expectedVersion: 0));
        Assert.Equal(2, await states.WriteAsync(Key, """{"value":"ü ✓ 😀 ' \" \\"}""", expectedVersion: 1));

        Assert.Equal(new StoredGrainState("""{"value":"ü ✓ 😀 ' \" \\"}""", 2), await states.ReadAsync(Key));
        Assert.Null(await states.ReadAsync(Key with { StateName = "other" }));
        Assert.Null(await states.ReadAsync(Key with { GrainKey = "k2" }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_write_from_a_stale_version_fails_and_changes_nothing(StorageProviderKind provider)
    {
        var states = (await OpenAsync(provider)).GrainStorage;
        await states.WriteAsync(Key, "\"a\"", 0);
        await states.WriteAsync(Key, "\"b\"", 1);

        await Assert.ThrowsAsync<InconsistentStateException>(() => states.WriteAsync(Key, "\"stale\"", 1));
        await Assert.ThrowsAsync<InconsistentStateException>(() => states.WriteAsync(Key, "\"new\"", 0));
        await Assert.ThrowsAsync<InconsistentStateException>(() => states.WriteAsync(Key, "\"future\"", 7));

        Assert.Equal(new StoredGrainState("\"b\"", 2), await states.ReadAsync(Key));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Clearing_keeps_the_version_so_stale_writers_still_lose(StorageProviderKind provider)
    {
        var states = (await OpenAsync(provider)).GrainStorage;
        await states.WriteAsync(Key, "\"a\"", 0);

        Assert.Equal(2, await states.WriteAsync(Key, null, 1));

        Assert.Equal(new StoredGrainState(null, 2), await states.ReadAsync(Key));
        await Assert.ThrowsAsync<InconsistentStateException>(() => states.WriteAsync(Key, "\"stale\"", 1));
        await Assert.ThrowsAsync<InconsistentStateException>(() => states.WriteAsync(Key, "\"fresh\"", 0));
        Assert.Equal(3, await states.WriteAsync(Key, "\"again\"", 2));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Entries_are_stored_replaced_and_removed_by_the_writes_that_name_them(StorageProviderKind provider)
    {
        var states = (await OpenAsync(provider)).GrainStorage;
        var other = Key with { GrainKey = "k2" };

        await states.WriteAsync(Key, "1", 0, [], [new("a", """{"n":1}"""), new("b", """{"n":"ü ✓"}""")]);
        await states.WriteAsync(other, "1", 0, [], [new("a", "other")]);
        await states.WriteAsync(Key, "2", 1, [], [new("a", """{"n":2}"""), new("c", "{}"), new("q\"u,o'te \\ ü", "odd key")]);
        await states.WriteAsync(Key, "3", 2, [], [new("b", null), new("never-stored", null)]);

        Assert.Equal(new Dictionary<string, string> { ["a"] = """{"n":2}""", ["c"] = "{}" }, await states.EntriesAsync(Key, "a", "b", "c", "never-stored"));
        Assert.Equal(new Dictionary<string, string> { ["q\"u,o'te \\ ü"] = "odd key" }, await states.EntriesAsync(Key, "q\"u,o'te \\ ü", "q"));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "other" }, await states.EntriesAsync(other, "a", "b", "c"));
        Assert.Empty(await states.EntriesAsync(Key with { GrainKey = "k3" }, "a"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_conflicting_write_stores_and_removes_none_of_its_entries(StorageProviderKind provider)
    {
        var states = (await OpenAsync(provider)).GrainStorage;
        await states.WriteAsync(Key, "1", 0, [], [new("kept", "1")]);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            try { await states.WriteAsync(Key, "2", 1, [], [new($"attempt{i}", "2"), new("kept", null)]); return true; }
            catch (InconsistentStateException) { return false; }
        }));
        await Assert.ThrowsAsync<InconsistentStateException>(() => states.WriteAsync(Key, "x", 0, [], [new("fresh", "x")]));

        var winner = Enumerable.Range(0, 20).Single(i => attempts[i]);
        Assert.Equal(new Dictionary<string, string> { [$"attempt{winner}"] = "2" },
            await states.EntriesAsync(Key, [.. Enumerable.Range(0, 20).Select(i => $"attempt{i}"), "kept", "fresh"]));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Removing_expired_entries_takes_those_of_any_state_expired_by_the_time_named_oldest_first_and_no_others(StorageProviderKind provider)
    {
        var states = (await OpenAsync(provider)).GrainStorage;
        var other = Key with { GrainKey = "k2" };
        await states.WriteAsync(Key, "1", 0, [], [new("a", "a", T0.AddHours(1)), new("b", "b", T0.AddHours(2)), new("c", "c", T0.AddHours(3))]);
        await states.WriteAsync(other, "1", 0, [], [new("a", "other", T0), new("b", "other", T0.AddHours(9))]);
        await states.WriteAsync(Key, "2", 1, [], [new("b", "b again", T0.AddHours(5))]); // stored again: no longer expired by then

        Assert.Equal(2, await states.RemoveExpiredEntriesAsync(T0.AddHours(2)));

        Assert.Equal(new Dictionary<string, string> { ["b"] = "b again", ["c"] = "c" }, await states.EntriesAsync(Key, "a", "b", "c"));
        Assert.Equal(new Dictionary<string, string> { ["b"] = "other" }, await states.EntriesAsync(other, "a", "b"));
        Assert.Equal(1, await states.RemoveExpiredEntriesAsync(T0.AddHours(4)));
        Assert.Equal(new Dictionary<string, string> { ["b"] = "b again" }, await states.EntriesAsync(Key, "a", "b", "c"));
        Assert.Equal(0, await states.RemoveExpiredEntriesAsync(T0.AddHours(4)));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Clearing_a_state_removes_its_entries_and_no_other_state_s(StorageProviderKind provider)
    {
        var states = (await OpenAsync(provider)).GrainStorage;
        var other = Key with { StateName = "other" };
        await states.WriteAsync(Key, "1", 0, [], [new("a", "1"), new("b", "1")]);
        await states.WriteAsync(other, "1", 0, [], [new("a", "1")]);

        await states.WriteAsync(Key, null, 1);
        await states.WriteAsync(Key, "again", 2, [], [new("c", "3")]);

        Assert.Equal(new Dictionary<string, string> { ["c"] = "3" }, await states.EntriesAsync(Key, "a", "b", "c"));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1" }, await states.EntriesAsync(other, "a", "b", "c"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Of_many_concurrent_writers_from_one_version_exactly_one_wins(StorageProviderKind provider)
    {
        var states = (await OpenAsync(provider)).GrainStorage;
        await states.WriteAsync(Key, "0", 0);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            try { await states.WriteAsync(Key, i.ToString(), 1); return i; }
            catch (InconsistentStateException) { return -1; }
        }));

        var winner = Assert.Single(attempts, a => a >= 0);
        Assert.Equal(new StoredGrainState(winner.ToString(), 2), await states.ReadAsync(Key));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Concurrent_writes_to_many_keys_all_commit(StorageProviderKind provider)
    {
        var states = (await OpenAsync(provider)).GrainStorage;
        var keys = Enumerable.Range(0, 300).Select(i => Key with { GrainKey = $"k{i}" }).ToList();

        await Task.WhenAll(keys.Select(k => states.WriteAsync(k, "1", 0)));
        var versions = await Task.WhenAll(keys.Select(k => states.WriteAsync(k, "2", 1)));

        Assert.All(versions, v => Assert.Equal(2, v));
        foreach (var key in keys) Assert.Equal(new StoredGrainState("2", 2), await states.ReadAsync(key));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Schema_creation_is_idempotent_and_keeps_data(StorageProviderKind provider)
    {
        var target = await StorageTarget.CreateAsync(provider);
        _cleanup.Add(target);
        var first = await OpenAsync(provider, target);
        await first.GrainStorage.WriteAsync(Key, "\"kept\"", 0);

        var again = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => OpenAsync(provider, target)));

        foreach (var storage in again) Assert.Equal(new StoredGrainState("\"kept\"", 1), await storage.GrainStorage.ReadAsync(Key));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Health_check_answers(StorageProviderKind provider)
    {
        var storage = await OpenAsync(provider);

        await storage.CheckHealthAsync(CancellationToken.None);
    }

    private static readonly GrainId Grain = new("ticker", "g1");
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    [Theory, MemberData(nameof(Providers))]
    public async Task Reminders_are_stored_read_and_removed(StorageProviderKind provider)
    {
        var reminders = (await OpenAsync(provider)).Reminders;

        var entry = await reminders.UpsertAsync(Grain, "renew", T0, TimeSpan.FromMinutes(5));
        await reminders.UpsertAsync(Grain, "reset", T0.AddHours(1), TimeSpan.FromDays(1));
        await reminders.UpsertAsync(Grain with { Key = "g2" }, "renew", T0, TimeSpan.FromMinutes(5));

        Assert.Equal(new ReminderEntry(Grain, "renew", T0, TimeSpan.FromMinutes(5), T0, entry.Version), entry);
        var stored = await reminders.ReadAsync(Grain);
        Assert.Equal(["renew", "reset"], stored.Select(r => r.Name));
        Assert.Equal(entry, stored[0]);

        Assert.True(await reminders.RemoveAsync(Grain, "renew"));
        Assert.False(await reminders.RemoveAsync(Grain, "renew"));
        Assert.Equal(["reset"], (await reminders.ReadAsync(Grain)).Select(r => r.Name));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Due_reminders_come_earliest_first_up_to_the_limit(StorageProviderKind provider)
    {
        var reminders = (await OpenAsync(provider)).Reminders;
        for (var i = 0; i < 5; i++)
            await reminders.UpsertAsync(Grain with { Key = $"g{i}" }, "r", T0.AddSeconds(10 - i), TimeSpan.FromMinutes(1));

        var due = await reminders.ReadDueAsync(T0.AddSeconds(8), limit: 2);

        Assert.Equal(["g4", "g3"], due.Select(r => r.Grain.Key));
        Assert.Empty(await reminders.ReadDueAsync(T0.AddSeconds(5), limit: 10));
        Assert.Equal(5, (await reminders.ReadDueAsync(T0.AddSeconds(10), limit: 10)).Count);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Advancing_a_reminder_is_conditional_on_its_version(StorageProviderKind provider)
    {
        var reminders = (await OpenAsync(provider)).Reminders;
        var entry = await reminders.UpsertAsync(Grain, "r", T0, TimeSpan.FromMinutes(1));

        Assert.True(await reminders.TryAdvanceAsync(entry, T0.AddMinutes(1)));
        Assert.False(await reminders.TryAdvanceAsync(entry, T0.AddMinutes(1))); // the same claim twice: second loses

        var current = Assert.Single(await reminders.ReadAsync(Grain));
        Assert.Equal(T0.AddMinutes(1), current.NextDue);
        var replaced = await reminders.UpsertAsync(Grain, "r", T0.AddHours(1), TimeSpan.FromMinutes(2));
        Assert.False(await reminders.TryAdvanceAsync(current, T0.AddMinutes(2))); // replaced meanwhile
        Assert.Equal(T0.AddHours(1), Assert.Single(await reminders.ReadAsync(Grain)).NextDue);
        Assert.True(replaced.Version > current.Version);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task State_writes_reminder_changes_and_sweeps_made_at_once_each_take_effect_as_if_made_alone(StorageProviderKind provider)
    {
        var storage = await OpenAsync(provider);
        var (states, reminders) = (storage.GrainStorage, storage.Reminders);
        await states.WriteAsync(Key, "1", 0, [], [new("expired", "x", T0), new("kept", "y", T0.AddDays(1))]);
        var claimed = await reminders.UpsertAsync(Grain, "claimed", T0, TimeSpan.FromMinutes(1));
        await reminders.UpsertAsync(Grain, "removed", T0, TimeSpan.FromMinutes(1));

        // On SQLite these share batch transactions; each must still answer for itself.
        var writes = Enumerable.Range(0, 50).Select(i => states.WriteAsync(Key with { GrainKey = $"w{i}" }, $"{i}", 0)).ToList();
        var upserts = Enumerable.Range(0, 20).Select(i => reminders.UpsertAsync(Grain with { Key = $"r{i}" }, "tick", T0.AddMinutes(i), TimeSpan.FromMinutes(1))).ToList();
        var claims = Enumerable.Range(0, 10).Select(_ => reminders.TryAdvanceAsync(claimed, T0.AddMinutes(1))).ToList();
        var removals = Enumerable.Range(0, 3).Select(_ => reminders.RemoveAsync(Grain, "removed")).ToList();
        var sweep = states.RemoveExpiredEntriesAsync(T0.AddHours(1));
        var conflict = Assert.ThrowsAsync<InconsistentStateException>(() => states.WriteAsync(Key, "stale", 0));

        Assert.All(await Task.WhenAll(writes), version => Assert.Equal(1, version));
        Assert.All(await Task.WhenAll(upserts), entry => Assert.Equal(1, entry.Version));
        Assert.Single(await Task.WhenAll(claims), won => won);
        Assert.Single(await Task.WhenAll(removals), removed => removed);
        Assert.Equal(1, await sweep);
        await conflict;

        Assert.Equal(new StoredGrainState("49", 1), await states.ReadAsync(Key with { GrainKey = "w49" }));
        Assert.Equal(new Dictionary<string, string> { ["kept"] = "y" }, await states.EntriesAsync(Key, "expired", "kept"));
        Assert.Equal(T0.AddMinutes(1), Assert.Single(await reminders.ReadAsync(Grain)).NextDue);
        Assert.Equal(20, (await reminders.ReadDueAsync(T0.AddHours(1), limit: 100)).Count(r => r.Name == "tick"));
    }

    private static JournalRecord Audit(string scope, string name, int minute, string payload = "{}") =>
        new("audit", scope, name, T0.AddMinutes(minute), payload);

    [Theory, MemberData(nameof(Providers))]
    public async Task Journal_records_are_stored_with_the_state_write_that_carries_them(StorageProviderKind provider)
    {
        var storage = await OpenAsync(provider);

        await storage.GrainStorage.WriteAsync(Key, "1", 0, [Audit("t1", "member.added", 0, """{"who":"ü"}"""), Audit("t1", "apikey.created", 1)]);

        var records = await storage.Journal.ReadAsync(new JournalQuery("audit"));
        Assert.Equal(["apikey.created", "member.added"], records.Select(r => r.Name));
        Assert.Equal(new StoredJournalRecord(records[1].Sequence, "audit", "t1", "member.added", T0, """{"who":"ü"}"""), records[1]);
        Assert.True(records[0].Sequence > records[1].Sequence);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_conflicting_write_stores_none_of_its_journal_records(StorageProviderKind provider)
    {
        var storage = await OpenAsync(provider);
        await storage.GrainStorage.WriteAsync(Key, "1", 0, [Audit("t1", "first", 0)]);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            try { await storage.GrainStorage.WriteAsync(Key, "2", 1, [Audit("t1", $"attempt{i}", 1)]); return true; }
            catch (InconsistentStateException) { return false; }
        }));

        Assert.Single(attempts, ok => ok);
        var names = (await storage.Journal.ReadAsync(new JournalQuery("audit"))).Select(r => r.Name).ToList();
        Assert.Equal(2, names.Count);
        Assert.Equal("first", names[1]);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Journal_queries_filter_by_scope_name_and_time_and_page_with_a_cursor(StorageProviderKind provider)
    {
        var storage = await OpenAsync(provider);
        var version = 0L;
        for (var minute = 0; minute < 10; minute++)
            version = await storage.GrainStorage.WriteAsync(Key, "x", version,
                [Audit(minute % 2 == 0 ? "even" : "odd", minute < 5 ? "early" : "late", minute), new JournalRecord("usage", "even", "early", T0, "{}")]);
        var journal = storage.Journal;

        Assert.Equal(5, (await journal.ReadAsync(new JournalQuery("audit") { Scope = "even" })).Count);
        Assert.Equal(10, (await journal.ReadAsync(new JournalQuery("usage"))).Count);
        Assert.Equal([9, 7, 5], (await journal.ReadAsync(new JournalQuery("audit") { Scope = "odd", Name = "late" })).Select(r => (r.At - T0).Minutes));
        Assert.Equal([5, 4, 3], (await journal.ReadAsync(new JournalQuery("audit") { From = T0.AddMinutes(3), To = T0.AddMinutes(6) })).Select(r => (r.At - T0).Minutes));

        var firstPage = await journal.ReadAsync(new JournalQuery("audit") { Limit = 4 });
        var secondPage = await journal.ReadAsync(new JournalQuery("audit") { Limit = 4, Before = firstPage[^1].Sequence });
        var lastPage = await journal.ReadAsync(new JournalQuery("audit") { Limit = 4, Before = secondPage[^1].Sequence });
        Assert.Equal(Enumerable.Range(0, 10).Reverse(), firstPage.Concat(secondPage).Concat(lastPage).Select(r => (r.At - T0).Minutes));
        Assert.Equal(2, lastPage.Count);

        var oldest = await journal.ReadAsync(new JournalQuery("audit") { OldestFirst = true, Limit = 3 });
        Assert.Equal([0, 1, 2], oldest.Select(r => (r.At - T0).Minutes));
        Assert.Equal([3, 4], (await journal.ReadAsync(new JournalQuery("audit") { OldestFirst = true, Limit = 2, After = oldest[^1].Sequence })).Select(r => (r.At - T0).Minutes));
        Assert.Equal([5, 4, 3], (await journal.ReadAsync(new JournalQuery("audit") { After = oldest[^1].Sequence, Before = firstPage[^1].Sequence })).Select(r => (r.At - T0).Minutes));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var item in _cleanup) await item.DisposeAsync();
    }
}

internal static class GrainStorageTestExtensions
{
    public static Task<long> WriteAsync(this IGrainStorage storage, GrainStateKey key, string? payload, long expectedVersion) =>
        storage.WriteAsync(key, payload, expectedVersion, [], []);

    public static Task<long> WriteAsync(this IGrainStorage storage, GrainStateKey key, string? payload, long expectedVersion, IReadOnlyList<JournalRecord> records) =>
        storage.WriteAsync(key, payload, expectedVersion, records, []);

    /// <summary>The named entries that are stored, by key.</summary>
    public static async Task<Dictionary<string, string>> EntriesAsync(this IGrainStorage storage, GrainStateKey key, params string[] entryKeys) =>
        new(await storage.ReadEntriesAsync(key, entryKeys));
}

using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Tollgate.Storage.Tests.Grains;
using Tollgate.Storage.Tests.Journal;

namespace Tollgate.Storage.Tests;

/// <summary>
/// The counters' storage: a grain's state and the records and entries it carries commit in one
/// transaction, shared with other grains' writes; a write that lost its etag check stores nothing and fails alone.
/// </summary>
public sealed class GroupCommitGrainStorageTests
{
    private static readonly GrainId Grain = GrainId.Create("tally", "g");

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task State_written_through_a_cluster_is_read_after_a_restart_and_its_records_are_journaled(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using (var cluster = await TestClusters.StartAsync(target))
        {
            var storage = cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.GroupCommit);
            Assert.IsType<GroupCommitGrainStorage>(storage);
            await cluster.Client.GetGrain<ITallyGrain>("a").AddAsync(2, "first");
            await cluster.Client.GetGrain<ITallyGrain>("a").AddAsync(3, "second");
        }

        await using (var cluster = await TestClusters.StartAsync(target))
        {
            var tally = cluster.Client.GetGrain<ITallyGrain>("a");
            Assert.Equal(5, await tally.GetAsync());
            await tally.AddAsync(1, "third"); // the etag read at activation still holds
            Assert.Equal(0, await cluster.Client.GetGrain<ITallyGrain>("never-written").GetAsync());
        }

        await using var database = SqlDatabase.Create(target.Options());
        Assert.Equal(new long[] { 1, 2, 3 }, (await Databases.QueryAsync(database, "SELECT grain_seq FROM journal ORDER BY grain_seq")).Select(Convert.ToInt64));
        Assert.Equal(3, await Databases.CountAsync(database, "SELECT count(*) FROM grain_entries WHERE grain_id = @p1", "tally/a"));
        // Stored without its outbox: the records are in the journal, not in the state's row.
        var payload = (string)(await Databases.QueryAsync(database, "SELECT payload FROM grain_state")).Single();
        Assert.Contains("\"count\":6", payload);
        Assert.Contains("\"lastSequence\":3", payload);
        Assert.Contains("\"records\":[]", payload);
        Assert.Contains("\"entries\":[]", payload);
    }

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task A_write_that_lost_its_etag_race_fails_alone_and_stores_none_of_its_records(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        var options = target.Options();
        options.WriteConcurrency = 1; // one writer, so everything queued behind the lock goes into the transaction after it
        await using var database = await Databases.OpenMigratedAsync(target);
        await using var journal = new SqlJournal(database, options);
        var storage = new GroupCommitGrainStorage(database, journal);
        var first = Tally(count: 1, sequence: 1);
        await storage.WriteStateAsync(TallyGrain.StateName, Grain, first);
        // Two activations of one grain, both from the same stored etag.
        var (winner, loser) = (Tally(count: 2, sequence: 2, first.ETag), Tally(count: 20, sequence: 2, first.ETag, payload: "{\"lost\":true}"));

        Task won, lost;
        List<Task> others;
        await using (await WriteLock.TakeAsync(target))
        {
            others = Enumerable.Range(0, 50).Select(i => storage.WriteStateAsync(TallyGrain.StateName, GrainId.Create("tally", $"o{i}"), Tally(1, 1))).ToList();
            (won, lost) = (storage.WriteStateAsync(TallyGrain.StateName, Grain, winner), storage.WriteStateAsync(TallyGrain.StateName, Grain, loser));
        }

        await won;
        await Assert.ThrowsAsync<InconsistentStateException>(() => lost);
        await Task.WhenAll(others);
        Assert.Equal(51 + 1, (await journal.ReadAuditAsync("tally")).Count);
        Assert.DoesNotContain(await journal.ReadAuditAsync("tally"), record => record.Payload.Contains("lost"));
        Assert.Empty(await journal.ReadEntriesAsync(Grain.ToString(), ["lost-entry"]));
        Assert.Single(loser.State!.Records); // given back: they were not stored
        var read = new GrainState<TallyState>(new TallyState());
        await storage.ReadStateAsync(TallyGrain.StateName, Grain, read);
        Assert.Equal((2L, winner.ETag), (read.State!.Count, read.ETag));
        // The loser's etag is stale now, and stays refused.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(TallyGrain.StateName, Grain, loser));
    }

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task Records_commit_with_their_state_or_not_at_all_and_a_cleared_state_reads_as_none(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var database = await Databases.OpenMigratedAsync(target);
        await using var journal = new SqlJournal(database, target.Options());
        var storage = new GroupCommitGrainStorage(database, journal);
        var state = Tally(count: 1, sequence: 1);
        await storage.WriteStateAsync(TallyGrain.StateName, Grain, state);
        var stored = state.ETag;

        // A record the database refuses (payload is NOT NULL) takes its state write down with it.
        state.State!.Count = 2;
        state.State!.Records.Add(JournalRecords.Audit(2, scope: "tally"));
        state.State!.Records.Add(JournalRecords.Audit(3, scope: "tally") with { Record = JournalRecords.Audit(3).Record with { Payload = null! } });
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => storage.WriteStateAsync(TallyGrain.StateName, Grain, state));

        Assert.Equal(stored, state.ETag);
        Assert.Equal(2, state.State!.Records.Count);
        Assert.Single(await journal.ReadAuditAsync("tally"));
        var read = new GrainState<TallyState>(new TallyState());
        await storage.ReadStateAsync(TallyGrain.StateName, Grain, read);
        Assert.Equal((1L, stored), (read.State!.Count, read.ETag));

        await storage.ClearStateAsync(TallyGrain.StateName, Grain, read);
        var cleared = new GrainState<TallyState>(new TallyState());
        await storage.ReadStateAsync(TallyGrain.StateName, Grain, cleared);
        Assert.Equal((false, read.ETag, 0L), (cleared.RecordExists, cleared.ETag, cleared.State!.Count));
    }

    private static GrainState<TallyState> Tally(long count, long sequence, string? etag = null, string payload = "{}")
    {
        var state = new TallyState { Count = count, LastSequence = sequence };
        state.Records.Add(JournalRecords.Audit(sequence, scope: "tally", payload: payload));
        state.Entries.Add(new StateEntry(payload == "{}" ? "entry" : "lost-entry", payload, JournalRecords.At.AddDays(1)));
        return new GrainState<TallyState>(state) { ETag = etag, RecordExists = etag is not null };
    }
}

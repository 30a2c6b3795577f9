using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using Tollgate.Storage.Schema;
using Tollgate.Storage.Tests.Grains;
using Tollgate.Storage.Tests.Journal;

namespace Tollgate.Storage.Tests.Legacy;

/// <summary>
/// States earlier versions kept with an outbox on Orleans' storage move into the group-commit storage
/// when a silo starts, with the records a crash left in their outbox, each once.
/// </summary>
public sealed class LegacyStateMoveTests
{
    private static readonly GrainId Tenant = GrainId.Create("tenant", "ten_legacy");
    private static readonly GrainId Note = GrainId.Create("note", "n");
    private static readonly DateTimeOffset Later = DateTimeOffset.UtcNow.AddDays(1);

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task A_state_left_on_Orleans_storage_moves_at_start_with_the_records_its_outbox_still_held(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using (var cluster = await TestClusters.StartAsync(target))
        {
            // As an earlier version left a tenant whose silo died while copying its outbox: record 1 copied, 2 and 3 not.
            var legacy = new LegacyOutboxState
            {
                Data = new NoteState { Text = "Acme", Colour = Colour.Green },
                Outbox = new LegacyOutbox
                {
                    LastSequence = 3,
                    Records = [JournalRecords.Audit(1), JournalRecords.Audit(2), Email(3)],
                    Entries = [new StateEntry("kept", "an answer", Later)],
                },
            };
            await OrleansStorage(cluster).WriteStateAsync("tenant", Tenant, new GrainState<LegacyOutboxState>(legacy));
            await OrleansStorage(cluster).WriteStateAsync(NoteGrain.StateName, Note, new GrainState<NoteState>(new NoteState()));
            var journal = cluster.Silos[0].ServiceProvider.GetRequiredService<SqlJournal>();
            await journal.WriteAsync(Tenant.ToString(), [JournalRecords.Audit(1)], []); // copied before the crash
        }

        string? etag;
        await using (var cluster = await TestClusters.StartAsync(target))
        {
            var storage = GroupCommitStorage(cluster);
            var read = new GrainState<LegacyOutboxState>(new LegacyOutboxState());
            await storage.ReadStateAsync("tenant", Tenant, read);
            Assert.True(read.RecordExists);
            Assert.Equal(("Acme", Colour.Green), (read.State!.Data.Text, read.State.Data.Colour));
            Assert.Equal((3L, 0, 0), (read.State.Outbox.LastSequence, read.State.Outbox.Records.Count, read.State.Outbox.Entries.Count));
            var journal = cluster.Silos[0].ServiceProvider.GetRequiredService<SqlJournal>();
            Assert.Equal([1L, 2L], await GrainSequencesAsync(target, "journal"));
            Assert.Equal([3L], await GrainSequencesAsync(target, "email_outbox"));
            Assert.Equal("an answer", (await journal.ReadEntriesAsync(Tenant.ToString(), ["kept"]))["kept"]);
            etag = read.ETag;
        }

        // A later start finds nothing left to move, and leaves what is not a journaled grain's state where it is.
        await using (var cluster = await TestClusters.StartAsync(target))
        {
            var read = new GrainState<LegacyOutboxState>(new LegacyOutboxState());
            await GroupCommitStorage(cluster).ReadStateAsync("tenant", Tenant, read);
            Assert.Equal(etag, read.ETag);
            Assert.Equal([1L, 2L], await GrainSequencesAsync(target, "journal"));
            await using var database = SqlDatabase.Create(target.Options());
            Assert.Equal(0, await Databases.CountAsync(database, "SELECT count(*) FROM OrleansStorage WHERE GrainTypeString = 'tenant'"));
            var note = new GrainState<NoteState>(new NoteState());
            await OrleansStorage(cluster).ReadStateAsync(NoteGrain.StateName, Note, note);
            Assert.True(note.RecordExists);
        }
    }

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task Silos_starting_together_move_each_state_once(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        const int grains = 60;
        await using (var cluster = await TestClusters.StartAsync(target))
        {
            for (var i = 0; i < grains; i++)
            {
                var outbox = new LegacyOutbox { LastSequence = 1, Records = [JournalRecords.Audit(1, scope: "many")] };
                var legacy = new GrainState<LegacyOutboxState>(new LegacyOutboxState { Outbox = outbox });
                await OrleansStorage(cluster).WriteStateAsync("user", GrainId.Create("user", $"usr_{i}"), legacy);
            }
        }

        await using var database = SqlDatabase.Create(target.Options());
        var service = Options.Create(new ClusterOptions { ServiceId = target.Id });
        var moves = Enumerable.Range(0, 3).Select(_ => new LegacyStateMove(database, service, NullLogger<LegacyStateMove>.Instance));
        await Task.WhenAll(moves.Select(move => Task.Run(() => move.MoveAsync(CancellationToken.None))));

        Assert.Equal(grains, await Databases.CountAsync(database, "SELECT count(*) FROM grain_state WHERE state_name = 'user'"));
        Assert.Equal(grains, await Databases.CountAsync(database, "SELECT count(*) FROM journal WHERE scope = 'many'"));
        Assert.Equal(0, await Databases.CountAsync(database, "SELECT count(*) FROM OrleansStorage WHERE GrainTypeString = 'user'"));
    }

    private static IGrainStorage GroupCommitStorage(Orleans.TestingHost.InProcessTestCluster cluster) =>
        cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.GroupCommit);

    private static IGrainStorage OrleansStorage(Orleans.TestingHost.InProcessTestCluster cluster) =>
        cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);

    private static SequencedRecord Email(long sequence) =>
        new(sequence, new JournalRecord(Storage.Email.EmailRecords.Stream, "platform", "verify", JournalRecords.At, "{}"));

    private static async Task<List<long>> GrainSequencesAsync(StorageTarget target, string table)
    {
        await using var database = SqlDatabase.Create(target.Options());
        var sql = $"SELECT grain_seq FROM {table} WHERE grain_id = @p1 ORDER BY grain_seq";
        var sequences = await Databases.QueryAsync(database, sql, Tenant.ToString());
        return sequences.Select(Convert.ToInt64).ToList();
    }
}

using Microsoft.Data.Sqlite;
using Tollgate.Runtime.Storage;
using Tollgate.Testing;

namespace Tollgate.Runtime.Tests;

/// <summary>
/// SQLite commits append to the write-ahead log; copying the log into the database file is done
/// beside the writer, never inside one of its commits.
/// </summary>
public sealed class SqliteCheckpointTests
{
    [Fact]
    public async Task Committed_writes_reach_the_database_file_without_the_writer_checkpointing()
    {
        await using var target = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        await using var storage = StorageProviders.Create(new StorageOptions { Provider = StorageProviderKind.Sqlite, ConnectionString = target.ConnectionString }, target.Memory);
        await storage.InitializeAsync(CancellationToken.None);
        var keys = Enumerable.Range(0, 50).Select(i => new GrainStateKey("counter", $"k{i}", "state")).ToList();
        foreach (var key in keys) await storage.GrainStorage.WriteAsync(key, "\"stored\"", 0, []);

        // The writer checkpoints by itself only past a WAL far larger than these 50 commits, so
        // the rows can be in the database file (read here without its WAL) only if the
        // background checkpoint copied them.
        var databaseFile = new SqliteConnectionStringBuilder(target.ConnectionString).DataSource;
        var inFile = 0L;
        for (var attempt = 0; attempt < 50 && inFile < keys.Count; attempt++)
        {
            await Task.Delay(100);
            inFile = CountRowsInFileAlone(databaseFile);
        }
        Assert.Equal(keys.Count, inFile);
    }

    [Fact]
    public void A_thread_made_idle_for_disk_io_reads_back_the_idle_class()
    {
        if (!OperatingSystem.IsLinux()) return; // the I/O class is a Linux thread attribute
        int? before = null, after = null;
        var made = false;
        // A thread of its own, joined: no other test's work or continuation ever runs on it.
        var thread = new Thread(() =>
        {
            before = IoPriority.CurrentThreadClass();
            made = IoPriority.TryMakeCurrentThreadIdle();
            after = IoPriority.CurrentThreadClass();
        });
        thread.Start();
        thread.Join();

        Assert.NotEqual(IoPriority.IdleClass, before);
        Assert.True(made);
        Assert.Equal(IoPriority.IdleClass, after);
        Assert.NotEqual(IoPriority.IdleClass, IoPriority.CurrentThreadClass()); // the calling thread keeps its own
    }

    private static long CountRowsInFileAlone(string databaseFile)
    {
        var copy = Path.Combine(Path.GetTempPath(), $"tollgate-checkpoint-{Guid.NewGuid():N}.db");
        try
        {
            File.Copy(databaseFile, copy);
            using var connection = new SqliteConnection($"Data Source={copy};Pooling=false");
            connection.Open();
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT count(*) FROM grain_state WHERE payload = '\"stored\"'";
            return (long)count.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0; // copied while a checkpoint was writing it: try again
        }
        finally
        {
            foreach (var file in new[] { copy, copy + "-wal", copy + "-shm" }) File.Delete(file);
        }
    }
}

using Microsoft.Data.Sqlite;

namespace Tollgate.Runtime.Storage;

/// <summary>
/// Copies the WAL into the database file on its own thread and connection, a little at a time, so
/// the writer's commits never wait for a checkpoint. A passive checkpoint takes no lock the writer
/// needs: it copies what is committed and leaves the rest for the next round. Once everything is
/// copied, the writer starts the WAL over from the beginning.
/// </summary>
internal sealed class SqliteCheckpointer : IDisposable
{
    /// <summary>The writer's own checkpoint threshold, reached only if this thread falls far behind.</summary>
    public const int BackstopPages = 100_000;

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly Func<SqliteConnection> _open;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Thread _thread;
    private int _commits;
    private int _disposed;

    /// <param name="open">Opens a connection to the database, ready for use.</param>
    public SqliteCheckpointer(Func<SqliteConnection> open)
    {
        _open = open;
        _thread = new Thread(Run) { IsBackground = true, Name = "SQLite checkpointer" };
        _thread.Start();
    }

    /// <summary>Called by the writer after each commit.</summary>
    public void Committed() => Interlocked.Increment(ref _commits);

    private void Run()
    {
        // The checkpoint writes hundreds of scattered pages to the database file and then syncs
        // it; a commit's own WAL sync that meets that burst in the disk's queue waits behind it.
        // In the idle class, a scheduler with classes (mq-deadline, BFQ) sends the checkpoint's
        // writes when no commit's are waiting; "none" and Kyber ignore it. With mq-deadline, at
        // 10,000 consumes/s over 10,000 counters on SQLite, the p99 fell in 5 of 7 paired runs
        // (median 8.2 -> 7.1 ms). Should a saturated disk starve the checkpoint, the writer's
        // backstop checkpoint still bounds the WAL.
        IoPriority.TryMakeCurrentThreadIdle();
        SqliteConnection? connection = null;
        try
        {
            while (!_stopping.Token.WaitHandle.WaitOne(Interval))
            {
                if (Interlocked.Exchange(ref _commits, 0) == 0) continue;
                try
                {
                    // The storage's connections sync with synchronous=FULL: the checkpoint puts the
                    // database file on disk before the WAL may be reused.
                    connection ??= _open();
                    using var checkpoint = connection.CreateCommand();
                    checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    checkpoint.ExecuteNonQuery();
                }
                catch (Exception)
                {
                    // Whatever failed, it must not end the process (this is a thread of its own) and
                    // nothing is lost: the frames stay in the WAL for the next round, or the backstop.
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return; // a silo and its host may both dispose storage
        _stopping.Cancel();
        _thread.Join();
        _stopping.Dispose();
    }
}

using System.Data.Common;
using System.Threading.Channels;

namespace Tollgate.Storage;

/// <summary>
/// Group commit for journal writes: writes that arrive while a transaction is in flight are carried
/// together by the next one. Each write completes once the transaction carrying it has committed, with
/// whether its state write's version check held (a write that lost it stored nothing); a write the
/// database refuses fails alone (<see cref="CommitEachAloneAsync"/>).
/// </summary>
internal sealed class JournalBatcher : IAsyncDisposable
{
    private readonly Channel<Pending> _queue;
    private readonly Func<IReadOnlyList<JournalWrite>, Task<bool[]>> _commit;
    private readonly int _maxBatch;
    private readonly Task[] _writers;
    // Wakes the writer threads (blocking commits only). Not a Task.Wait on the channel: that spins
    // before it blocks, and on a loaded machine the spinning takes the cores the callers need.
    private readonly ManualResetEventSlim? _arrived;

    private sealed record Pending(JournalWrite Write, TaskCompletionSource<bool> Committed);

    /// <param name="commit">Commits the writes in one transaction; returns, for each, whether its version check held.</param>
    /// <param name="concurrency">How many transactions may be in flight at once.</param>
    /// <param name="blockingCommits">
    /// The commit does its I/O synchronously (Microsoft.Data.Sqlite does, behind its async methods).
    /// Each writer then runs on a thread of its own, woken directly by the write that arrives: a
    /// pool task would first wait in the thread pool's queue behind the callers that wait for its
    /// commit, then hold a pool thread while SQLite waits for its lock or for fsync.
    /// </param>
    public JournalBatcher(Func<IReadOnlyList<JournalWrite>, Task<bool[]>> commit, int concurrency, int maxBatch, bool blockingCommits)
    {
        (_commit, _maxBatch) = (commit, Math.Max(1, maxBatch));
        // A synchronous continuation only signals a writer thread blocked on the channel; an async
        // writer's continuation would run its whole commit on the caller that queued the write.
        _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { AllowSynchronousContinuations = blockingCommits });
        if (blockingCommits) _arrived = new ManualResetEventSlim(initialState: false, spinCount: 0);
        _writers = Enumerable.Range(1, Math.Max(1, concurrency))
            .Select(number => blockingCommits ? StartWriterThread($"Tollgate journal writer {number}") : Task.Run(WriteLoopAsync))
            .ToArray();
    }

    /// <summary>Completes once the write has committed: false when its state write lost its version check.</summary>
    public Task<bool> EnqueueAsync(JournalWrite write)
    {
        var pending = new Pending(write, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(JournalBatcher), "The journal is closed.");
        _arrived?.Set();
        return pending.Committed.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync()) await CommitNextAsync(batch);
    }

    private Task StartWriterThread(string name)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var batch = new List<Pending>(_maxBatch);
                var arrived = _arrived!;
                while (true)
                {
                    // Reset before looking: a write queued after the look sets it again, so none is missed.
                    arrived.Reset();
                    if (_queue.Reader.TryPeek(out _))
                    {
                        // The commit blocks in its I/O, so waiting for it here costs this thread only.
                        CommitNextAsync(batch).GetAwaiter().GetResult();
                        continue;
                    }
                    if (_queue.Reader.Completion.IsCompleted) break;
                    arrived.Wait();
                }
            }
            finally
            {
                stopped.SetResult();
            }
        })
        { IsBackground = true, Name = name };
        thread.UnsafeStart(); // it serves every caller, so it carries none's execution context
        return stopped.Task;
    }

    private async Task CommitNextAsync(List<Pending> batch)
    {
        batch.Clear();
        while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
        if (batch.Count == 0) return;
        try
        {
            var applied = await _commit(batch.ConvertAll(pending => pending.Write));
            for (var i = 0; i < batch.Count; i++) batch[i].Committed.SetResult(applied[i]);
        }
        catch (Exception exception) when (batch.Count > 1 && MayBeTheWrites(exception))
        {
            await CommitEachAloneAsync(batch);
        }
        catch (Exception exception)
        {
            foreach (var pending in batch) pending.Committed.SetException(exception);
        }
    }

    /// <summary>
    /// One write the database refused (a constraint, a value it cannot take) rolled back the whole
    /// shared transaction: each write is tried again in a transaction of its own, so only the refused
    /// one fails. Trying again is safe because a write is idempotent. Once one fails because of the
    /// database, the rest fail with it rather than each waiting out its own connection timeout.
    /// </summary>
    private async Task CommitEachAloneAsync(List<Pending> batch)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                var applied = await _commit([batch[i].Write]);
                batch[i].Committed.SetResult(applied[0]);
            }
            catch (Exception exception) when (MayBeTheWrites(exception))
            {
                batch[i].Committed.SetException(exception);
            }
            catch (Exception exception)
            {
                foreach (var pending in batch.Skip(i)) pending.Committed.SetException(exception);
                return;
            }
        }
    }

    /// <summary>
    /// Whether a failure may be a write's own. A transient one (a lost connection, a timeout, a busy
    /// database) is the database's: trying each write alone would only meet it again, once per write.
    /// </summary>
    private static bool MayBeTheWrites(Exception exception) => exception is not DbException { IsTransient: true };

    /// <summary>Takes no new writes and waits for those queued to commit.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        _arrived?.Set();
        await Task.WhenAll(_writers);
        _arrived?.Dispose();
    }
}

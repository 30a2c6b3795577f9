using System.Diagnostics;
using System.Threading.Channels;

namespace Tollgate.Runtime.Storage;

/// <summary>Something waiting for the transaction that will carry it; completed once that transaction ends.</summary>
internal abstract class PendingOperation
{
    private readonly TaskCompletionSource<long> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<long> Completion => _completion.Task;

    /// <summary>The answer once the transaction committed.</summary>
    protected abstract long Answer { get; }

    /// <summary>Why this operation failed although its transaction committed, if it did.</summary>
    protected virtual Exception? OwnFailure => null;

    public void Complete(Exception? failure)
    {
        failure ??= OwnFailure;
        if (failure is not null) _completion.TrySetException(failure);
        else _completion.TrySetResult(Answer);
    }
}

/// <summary>A state write: it applies only if the stored version is the expected one.</summary>
internal sealed class PendingWrite(
    GrainStateKey key, string? payload, long expectedVersion, IReadOnlyList<JournalRecord> records, IReadOnlyList<StateEntry> entries)
    : PendingOperation
{
    public GrainStateKey Key { get; } = key;
    public string? Payload { get; } = payload;
    public long ExpectedVersion { get; } = expectedVersion;
    public IReadOnlyList<JournalRecord> Records { get; } = records;
    public IReadOnlyList<StateEntry> Entries { get; } = entries;
    public long NewVersion => ExpectedVersion + 1;

    /// <summary>Set while the batch runs: whether the row matched the expected version.</summary>
    public bool Applied { get; set; }

    protected override long Answer => NewVersion;

    protected override Exception? OwnFailure => Applied ? null : StateConflict.For(Key, ExpectedVersion);
}

/// <summary>
/// One other statement that must hold the database's write lock (a reminder change, the sweep of
/// expired entries), carried by a batch on a database with a single writer.
/// </summary>
internal sealed class PendingStatement(string sql, object?[] arguments, bool returnsScalar) : PendingOperation
{
    public string Sql { get; } = sql;
    public object?[] Arguments { get; } = arguments;

    /// <summary>Whether the answer is the statement's first column (else the rows it changed).</summary>
    public bool ReturnsScalar { get; } = returnsScalar;

    /// <summary>Set while the batch runs.</summary>
    public long Result { get; set; }

    protected override long Answer => Result;
}

/// <summary>
/// Group commit: writes that arrive while a transaction is in flight wait and are committed
/// together by the next one, so many grains share the cost of one commit. A write is
/// acknowledged only after its transaction committed.
/// </summary>
internal sealed class WriteBatcher : IAsyncDisposable
{
    private readonly Channel<PendingOperation> _queue;
    private readonly Func<IReadOnlyList<PendingOperation>, Task> _commit;
    private readonly int _maxBatch;
    private readonly string _database;
    private readonly Task[] _writers;

    /// <param name="commit">
    /// Runs one transaction, setting <see cref="PendingWrite.Applied"/> on each write and
    /// <see cref="PendingStatement.Result"/> on each statement.
    /// </param>
    /// <param name="blockingCommits">
    /// The commit does its I/O synchronously (Microsoft.Data.Sqlite does, even behind its async
    /// methods). Each writer then runs on a thread of its own, woken directly by the write that
    /// arrives, where a pool task would first wait in the thread pool's queue behind the very
    /// requests that wait for its commit, and would then block a pool thread in fsync.
    /// </param>
    /// <param name="name">Names the writer threads, as a debugger or <c>top -H</c> shows them, and tags the commit metrics.</param>
    public WriteBatcher(Func<IReadOnlyList<PendingOperation>, Task> commit, int concurrency, int maxBatch, bool blockingCommits, string name)
    {
        _commit = commit;
        _maxBatch = Math.Max(1, maxBatch);
        _database = name.ToLowerInvariant(); // Sqlite, PostgreSql: OpenTelemetry's sqlite, postgresql
        // Synchronous continuations only wake a blocked writer thread; an async writer's would run its commit on the caller.
        _queue = Channel.CreateUnbounded<PendingOperation>(new UnboundedChannelOptions { SingleReader = false, AllowSynchronousContinuations = blockingCommits });
        _writers = Enumerable.Range(1, Math.Max(1, concurrency))
            .Select(number => blockingCommits ? StartWriterThread($"{name} writer {number}") : Task.Run(WriteLoopAsync))
            .ToArray();
    }

    /// <summary>Queues the operation for the next transaction; its task completes when that transaction ends.</summary>
    public Task<long> EnqueueAsync(PendingOperation operation)
    {
        if (!_queue.Writer.TryWrite(operation))
            throw new SiloUnavailableException("Storage is shut down; the write was not made.");
        return operation.Completion;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingOperation>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            await CommitNextAsync(batch).ConfigureAwait(false);
    }

    private Task StartWriterThread(string name)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var batch = new List<PendingOperation>(_maxBatch);
                while (WaitToRead()) CommitNextAsync(batch).GetAwaiter().GetResult(); // completes synchronously: the I/O blocks
            }
            finally
            {
                stopped.SetResult();
            }
        }) { IsBackground = true, Name = name };
        thread.UnsafeStart(); // the writer serves every caller: it inherits none's context
        return stopped.Task;
    }

    private bool WaitToRead()
    {
        var waiting = _queue.Reader.WaitToReadAsync();
        return waiting.IsCompleted ? waiting.Result : waiting.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Commits what is queued, up to a batch, and completes each write with the outcome.</summary>
    private async Task CommitNextAsync(List<PendingOperation> batch)
    {
        batch.Clear();
        while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var write)) batch.Add(write);
        if (batch.Count == 0) return;
        Exception? failure = null;
        var startedAt = Stopwatch.GetTimestamp();
        try
        {
            await _commit(batch).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            failure = exception;
        }
        StorageMetrics.Committed(_database, startedAt, batch.Count, failure);
        foreach (var write in batch) write.Complete(failure);
    }

    /// <summary>Stops taking writes and waits until every queued one is committed or failed.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers).ConfigureAwait(false);
    }
}

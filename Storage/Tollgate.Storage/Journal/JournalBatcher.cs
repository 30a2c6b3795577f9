using System.Threading.Channels;

namespace Tollgate.Storage;

/// <summary>
/// Group commit for journal writes: writes that arrive while a transaction is in flight are carried
/// together by the next one. Each write completes once the transaction carrying it has committed.
/// </summary>
internal sealed class JournalBatcher : IAsyncDisposable
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly Func<IReadOnlyList<JournalWrite>, Task> _commit;
    private readonly int _maxBatch;
    private readonly Task[] _writers;

    private sealed record Pending(JournalWrite Write, TaskCompletionSource Committed);

    /// <param name="concurrency">How many transactions may be in flight at once.</param>
    public JournalBatcher(Func<IReadOnlyList<JournalWrite>, Task> commit, int concurrency, int maxBatch)
    {
        (_commit, _maxBatch) = (commit, maxBatch);
        _writers = Enumerable.Range(0, Math.Max(1, concurrency)).Select(_ => Task.Run(WriteAsync)).ToArray();
    }

    public Task EnqueueAsync(JournalWrite write)
    {
        var pending = new Pending(write, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(JournalBatcher), "The journal is closed.");
        return pending.Committed.Task;
    }

    private async Task WriteAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
            if (batch.Count == 0) continue;
            try
            {
                await _commit(batch.ConvertAll(pending => pending.Write));
                foreach (var pending in batch) pending.Committed.SetResult();
            }
            catch (Exception exception)
            {
                foreach (var pending in batch) pending.Committed.SetException(exception);
            }
        }
    }

    /// <summary>Takes no new writes and waits for those queued to commit.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }
}

using System.Collections.Concurrent;

namespace Tollgate.Runtime.Core;

/// <summary>
/// Runs an activation's work one task at a time on the thread pool. Grain code awaits without
/// ConfigureAwait(false), so its continuations come back here: single-threaded even when turns
/// interleave.
/// </summary>
internal sealed class ActivationTaskScheduler : TaskScheduler, IThreadPoolWorkItem
{
    // Bounds how long one activation holds a pool thread before others get a turn.
    private const int MaxTasksPerDrain = 64;

    [ThreadStatic] private static ActivationTaskScheduler? t_running;

    private readonly ConcurrentQueue<Task> _queue = new();
    private int _scheduled;

    public override int MaximumConcurrencyLevel => 1;

    protected override void QueueTask(Task task)
    {
        _queue.Enqueue(task);
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        t_running = this;
        try
        {
            for (var i = 0; i < MaxTasksPerDrain && _queue.TryDequeue(out var task); i++)
                TryExecuteTask(task);
        }
        finally
        {
            t_running = null;
            // A full fence: a release-only write could be reordered after the emptiness check,
            // and a task queued in between would then never run (a lost wake-up).
            Interlocked.Exchange(ref _scheduled, 0);
            if (!_queue.IsEmpty && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    // Inline only on the thread that is already draining this scheduler: still one at a time.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        t_running == this && !taskWasPreviouslyQueued && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();
}

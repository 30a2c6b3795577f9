using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

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

    // Turns that run on a caller's thread run in no caller's context: what a thread-pool thread has.
    private static readonly ExecutionContext s_poolContext = CapturePoolContext();

    [ThreadStatic] private static ActivationTaskScheduler? t_running;

    private readonly ConcurrentQueue<Task> _queue = new();
    private int _scheduled;

    public override int MaximumConcurrencyLevel => 1;

    protected override void QueueTask(Task task)
    {
        _queue.Enqueue(task);
        // On this thread's own queue: whoever calls (an HTTP request about to await the answer, a
        // grain's turn about to end) is about to free this thread, which then runs the activation
        // with its data still in cache, where the global queue wakes another thread for it. In nine
        // paired runs of the consume bench on SQLite the hot counter's half-load p99 fell in eight
        // (mean 4.2 -> 3.1 ms); its peak, which waits on the one activation, fell about 8%.
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    /// <summary>
    /// Starts <paramref name="work"/> on this scheduler, and runs it on the calling thread when no
    /// thread is running this scheduler's work and the caller runs no activation's work itself.
    /// </summary>
    /// <remarks>
    /// A call from outside the grains (an HTTP request) is answered, when the grain does not have to
    /// wait, before the caller awaits: no thread-pool hop to start the turn and none to resume the
    /// caller. A caller inside a turn always queues, so a chain of calls never nests on one stack.
    /// As in Orleans, callers must not hold a lock across a grain call: the turn may run under it.
    /// </remarks>
    public void StartHereOrQueue(Action work)
    {
        if (t_running is null && RuntimeHelpers.TryEnsureSufficientExecutionStack() && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            // Grain code awaits without ConfigureAwait(false): it must not see the caller's
            // synchronization context, or its continuations would go there instead of here.
            var callerContext = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(null);
            try
            {
                ExecutionContext.Run(s_poolContext, static state =>
                {
                    var (scheduler, work) = ((ActivationTaskScheduler, Action))state!;
                    new Task(work, TaskCreationOptions.DenyChildAttach).Start(scheduler); // queued only: this thread holds the scheduler
                    ((IThreadPoolWorkItem)scheduler).Execute();
                }, (this, work));
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(callerContext);
            }
            return;
        }
        Queue(work);
    }

    /// <summary>Queues <paramref name="work"/> for a pool thread, without the caller's context.</summary>
    public void Queue(Action work)
    {
        // The activation's work must not inherit whoever happened to trigger it (an HTTP request's
        // async-locals, another grain's call chain): turns set their own context.
        using (ExecutionContext.SuppressFlow()) Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this);
    }

    void IThreadPoolWorkItem.Execute()
    {
        t_running = this;
        var ran = 0;
        try
        {
            for (; ran < MaxTasksPerDrain && _queue.TryDequeue(out var task); ran++)
                TryExecuteTask(task);
        }
        finally
        {
            t_running = null;
            // A full fence: a release-only write could be reordered after the emptiness check,
            // and a task queued in between would then never run (a lost wake-up).
            Interlocked.Exchange(ref _scheduled, 0);
            // A drain that stopped at its limit goes to the back of the global queue, so other work
            // gets the thread; tasks that came in as the drain ended stay on this thread.
            if (!_queue.IsEmpty && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: ran < MaxTasksPerDrain);
        }
    }

    // Inline only on the thread that is already draining this scheduler: still one at a time.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        t_running == this && !taskWasPreviouslyQueued && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private static ExecutionContext CapturePoolContext()
    {
        ExecutionContext? context = null;
        var thread = new Thread(() => context = ExecutionContext.Capture());
        thread.UnsafeStart(); // a thread started without the caller's context has the default one
        thread.Join();
        return context!;
    }
}

using Microsoft.Extensions.Logging;

namespace Tollgate.Runtime.Core;

/// <summary>
/// One live instance of a grain. Calls wait in a FIFO mailbox; the grain runs one turn at a time
/// unless it is reentrant or the method always interleaves. Every field below the lock is touched
/// only on the activation's own scheduler.
/// </summary>
internal sealed class Activation : IGrainContext
{
    private enum Phase { Created, Activating, Active, Deactivating, Closed }

    // Bounds how many turns one pump runs before it yields the thread to other activations.
    private const int MaxTurnsPerPump = 64;

    private readonly GrainRuntime _runtime;
    private readonly ActivationTaskScheduler _scheduler = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guarded by _mailbox: written from any thread.
    private readonly Queue<Message> _mailbox = new();
    private bool _acceptsMessages = true;
    private bool _pumpScheduled;

    // Owned by the scheduler.
    private Phase _phase = Phase.Created;
    private object? _grain;
    private int _runningTurns;
    private DeactivationReason? _deactivationReason;
    private bool _drainBeforeDeactivating;

    private long _lastActiveTimestamp;

    // The turn running on a non-reentrant activation; a call that descends from it would wait on itself.
    private volatile CallChain? _runningTurn;

    public Activation(GrainRuntime runtime, GrainClass grainClass, GrainId grainId)
    {
        _runtime = runtime;
        GrainClass = grainClass;
        GrainId = grainId;
        _lastActiveTimestamp = runtime.TimeProvider.GetTimestamp();
    }

    public GrainId GrainId { get; }
    public GrainClass GrainClass { get; }
    public IGrainFactory GrainFactory => _runtime;
    public IServiceProvider Services => _runtime.Services;
    public TimeProvider TimeProvider => _runtime.TimeProvider;

    /// <summary>Completes when the activation is gone and its leftover messages were forwarded.</summary>
    public Task Closed => _closed.Task;

    public TimeSpan IdleTime => _runtime.TimeProvider.GetElapsedTime(Volatile.Read(ref _lastActiveTimestamp));

    /// <summary>Queues a call. False when the activation is closing: wait for <see cref="Closed"/> and look up again.</summary>
    public bool TryEnqueue(Message message)
    {
        if (_runningTurn is { } running && message.Chain is { } chain && chain.Contains(running)
            && !GrainClass.IsReentrant && !message.Method.AlwaysInterleave)
        {
            message.Fail(new DeadlockException(
                $"Deadlock: {chain} -> {GrainId} calls {message.Method.Name}, but {GrainId} is waiting for that call chain and is not reentrant."));
            return true;
        }
        lock (_mailbox)
        {
            if (!_acceptsMessages) return false;
            _mailbox.Enqueue(message);
            Volatile.Write(ref _lastActiveTimestamp, _runtime.TimeProvider.GetTimestamp());
            if (!ClaimPumpLocked()) return true;
        }
        _scheduler.StartHereOrQueue(Pump); // outside the lock: the pump may run right here
        return true;
    }

    /// <summary>Asks the activation to deactivate once no turn runs (and, when draining, the mailbox is empty).</summary>
    public void RequestDeactivation(DeactivationReason reason, bool drainMailbox = false) =>
        _scheduler.Queue(() =>
        {
            if (_phase is Phase.Deactivating or Phase.Closed) return;
            if (reason == DeactivationReason.Idle && (IdleTime < _runtime.Options.IdleDeactivationAge || _runningTurns > 0 || HasMail()))
                return; // a call arrived since the collector looked
            _deactivationReason ??= reason;
            _drainBeforeDeactivating |= drainMailbox;
            if (_phase == Phase.Created) { Close(); return; }
            Pump();
        });

    void IGrainContext.DeactivateOnIdle() => _deactivationReason ??= DeactivationReason.Requested;

    internal void MarkInconsistent() => _deactivationReason = DeactivationReason.InconsistentState;

    private bool HasMail()
    {
        lock (_mailbox) return _mailbox.Count > 0;
    }

    /// <summary>True when the pump was not yet scheduled: the caller must now start it.</summary>
    private bool ClaimPumpLocked()
    {
        if (_pumpScheduled) return false;
        _pumpScheduled = true;
        return true;
    }

    private void Pump()
    {
        lock (_mailbox) _pumpScheduled = false;
        switch (_phase)
        {
            case Phase.Created:
                _ = ActivateAsync();
                return;
            case Phase.Activating or Phase.Deactivating or Phase.Closed:
                return;
        }

        for (var turns = 0; ; turns++)
        {
            if (turns == MaxTurnsPerPump)
            {
                // Let other activations have the thread; the rest of the mailbox waits its turn.
                lock (_mailbox)
                    if (ClaimPumpLocked()) _scheduler.Queue(Pump);
                return;
            }
            if (_deactivationReason is { } reason && !_drainBeforeDeactivating)
            {
                if (_runningTurns == 0) _ = DeactivateAsync(reason);
                return;
            }
            Message? next;
            lock (_mailbox)
            {
                if (!_mailbox.TryPeek(out next))
                {
                    if (_deactivationReason is { } drained && _runningTurns == 0) _ = DeactivateAsync(drained);
                    return;
                }
                if (_runningTurns > 0 && !GrainClass.IsReentrant && !next.Method.AlwaysInterleave) return;
                _mailbox.Dequeue();
            }
            var turn = RunTurnAsync(next);
            // A turn that finished synchronously lets this loop go on; an asynchronous one pumps
            // again when it ends. Never recurse: a busy grain would grow the stack without bound.
            if (!turn.IsCompleted) _ = PumpAfterAsync(turn);
        }
    }

    private async Task PumpAfterAsync(Task turn)
    {
        await turn; // never faults: the message captures the grain's exception
        Pump();
    }

    private async Task RunTurnAsync(Message message)
    {
        _runningTurns++;
        var previousChain = RuntimeContext.Current;
        var turn = new CallChain(GrainId, message.Chain);
        RuntimeContext.Current = turn;
        if (!GrainClass.IsReentrant && !message.Method.AlwaysInterleave) _runningTurn = turn;
        try
        {
            await message.RunAsync(_grain!);
        }
        finally
        {
            RuntimeContext.Current = previousChain;
            if (_runningTurn == turn) _runningTurn = null;
            _runningTurns--;
            Volatile.Write(ref _lastActiveTimestamp, _runtime.TimeProvider.GetTimestamp());
        }
    }

    private async Task ActivateAsync()
    {
        _phase = Phase.Activating;
        try
        {
            var states = new List<IStateLoader>();
            _grain = Grain.Construct(this, () => _runtime.CreateGrainInstance(this, states));
            foreach (var state in states) await state.LoadAsync();
            await ((Grain)_grain).OnActivateAsync(CancellationToken.None);
            _phase = Phase.Active;
        }
        catch (Exception exception)
        {
            _runtime.Logger.LogWarning(exception, "Activation of {GrainId} failed", GrainId);
            Close(failure: exception);
            return;
        }
        Pump();
    }

    private async Task DeactivateAsync(DeactivationReason reason)
    {
        _phase = Phase.Deactivating;
        lock (_mailbox) _acceptsMessages = false;
        try
        {
            using var timeout = new CancellationTokenSource(_runtime.Options.ResponseTimeout);
            await ((Grain)_grain!).OnDeactivateAsync(reason, timeout.Token);
        }
        catch (Exception exception)
        {
            _runtime.Logger.LogWarning(exception, "OnDeactivateAsync of {GrainId} failed", GrainId);
        }
        Close();
    }

    /// <summary>Leaves the catalog, then either fails (activation failed) or forwards what is left in the mailbox.</summary>
    private void Close(Exception? failure = null)
    {
        List<Message> leftovers;
        lock (_mailbox)
        {
            _acceptsMessages = false;
            leftovers = [.. _mailbox];
            _mailbox.Clear();
        }
        _phase = Phase.Closed;
        _runtime.Catalog.Remove(this);
        _closed.TrySetResult();
        foreach (var message in leftovers)
        {
            if (failure is not null) message.Fail(failure);
            else _runtime.Dispatch(message);
        }
    }

    Task<IGrainReminder> IGrainContext.RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        _runtime.Reminders.RegisterOrUpdateAsync(this, reminderName, dueTime, period);

    Task IGrainContext.UnregisterReminder(string reminderName) => _runtime.Reminders.UnregisterAsync(GrainId, reminderName);

    Task<IGrainReminder?> IGrainContext.GetReminder(string reminderName) => _runtime.Reminders.GetAsync(GrainId, reminderName);

    Task<IReadOnlyList<IGrainReminder>> IGrainContext.GetReminders() => _runtime.Reminders.GetAllAsync(GrainId);

    public override string ToString() => $"Activation({GrainId})";
}

/// <summary>A persistent state the activation loads before <see cref="Grain.OnActivateAsync"/>.</summary>
internal interface IStateLoader
{
    Task LoadAsync();
}

using Tollgate.Runtime;

namespace Tollgate.Runtime.Tests;

public sealed class CounterState
{
    public long Value { get; set; }
}

public interface ICounterGrain : IGrainWithStringKey
{
    Task<long> Increment();
    Task<long> IncrementSlowly(int delayMs);
    Task<long> Get();
    Task Clear();
    Task<string> InstanceId();
    Task<long> ValueSeenOnActivation();
    Task Deactivate();
}

[GrainType("counter")]
public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> counter, DeactivationLog log) : Grain, ICounterGrain
{
    private readonly string _instanceId = Guid.NewGuid().ToString("N");
    private long _valueSeenOnActivation = -1;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _valueSeenOnActivation = counter.State.Value;
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        log.Record(GetPrimaryKeyString(), reason);
        return Task.CompletedTask;
    }

    public async Task<long> Increment()
    {
        counter.State.Value++;
        await counter.WriteStateAsync();
        return counter.State.Value;
    }

    public async Task<long> IncrementSlowly(int delayMs)
    {
        await Task.Delay(delayMs);
        return await Increment();
    }

    public Task<long> Get() => Task.FromResult(counter.State.Value);
    public Task Clear() => counter.ClearStateAsync();
    public Task<string> InstanceId() => Task.FromResult(_instanceId);
    public Task<long> ValueSeenOnActivation() => Task.FromResult(_valueSeenOnActivation);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

/// <summary>Records deactivations so tests can see OnDeactivateAsync ran.</summary>
public sealed class DeactivationLog
{
    private readonly List<(string Key, DeactivationReason Reason)> _entries = [];

    public void Record(string key, DeactivationReason reason)
    {
        lock (_entries) _entries.Add((key, reason));
    }

    public IReadOnlyList<(string Key, DeactivationReason Reason)> Entries
    {
        get { lock (_entries) return _entries.ToList(); }
    }
}

/// <summary>Tracks how turns overlap: how many calls are in flight and whether code ever ran on two threads at once.</summary>
public interface ITurnProbe : IGrainWithStringKey
{
    Task<int> Hold(int delayMs);
    Task<List<int>> Order();
    Task Append(int value);
    Task<(int MaxInFlight, bool Overlapped)> Stats();
    Task Fail(string message);
    Task<int> CallCount();

    [AlwaysInterleave]
    Task<int> Peek();
}

public interface ITurnProbeGrain : ITurnProbe;

public abstract class TurnProbeBase : Grain, ITurnProbe
{
    private readonly List<int> _order = [];
    private int _inFlight, _maxInFlight, _running, _calls;
    private bool _overlapped;

    public async Task<int> Hold(int delayMs)
    {
        _calls++;
        _inFlight++;
        _maxInFlight = Math.Max(_maxInFlight, _inFlight);
        RunSynchronousSection();
        await Task.Delay(delayMs);
        RunSynchronousSection();
        _inFlight--;
        return _inFlight;
    }

    private void RunSynchronousSection()
    {
        if (Interlocked.Increment(ref _running) > 1) _overlapped = true;
        Thread.SpinWait(20_000);
        Interlocked.Decrement(ref _running);
    }

    public Task<List<int>> Order() => Task.FromResult(_order.ToList());

    public Task Append(int value)
    {
        _calls++;
        _order.Add(value);
        return Task.CompletedTask;
    }

    public Task<(int MaxInFlight, bool Overlapped)> Stats() => Task.FromResult((_maxInFlight, _overlapped));

    public Task Fail(string message)
    {
        _calls++;
        throw new ArgumentException(message);
    }

    public Task<int> CallCount() => Task.FromResult(_calls);

    public Task<int> Peek() => Task.FromResult(_inFlight);
}

[GrainType("turn-probe")]
public sealed class TurnProbeGrain : TurnProbeBase, ITurnProbeGrain;

public interface IReentrantProbeGrain : ITurnProbe;

[GrainType("reentrant-probe"), Reentrant]
public sealed class ReentrantProbeGrain : TurnProbeBase, IReentrantProbeGrain;

/// <summary>Calls another grain, possibly one that calls back: for deadlock and reentrancy tests.</summary>
public interface IChainGrain : IGrainWithStringKey
{
    /// <summary>Calls each grain of the path in turn, the last one answering with its key.</summary>
    Task<string> Relay(List<string> path);
}

[GrainType("chain")]
public sealed class ChainGrain : Grain, IChainGrain
{
    public async Task<string> Relay(List<string> path) =>
        path.Count == 0
            ? GetPrimaryKeyString()
            : GetPrimaryKeyString() + ">" + await GrainFactory.GetGrain<IChainGrain>(path[0]).Relay(path[1..]);
}

public interface IReentrantChainGrain : IGrainWithStringKey
{
    Task<string> Relay(List<string> path);
}

[GrainType("reentrant-chain"), Reentrant]
public sealed class ReentrantChainGrain : Grain, IReentrantChainGrain
{
    public async Task<string> Relay(List<string> path) =>
        path.Count == 0
            ? GetPrimaryKeyString()
            : GetPrimaryKeyString() + ">" + await GrainFactory.GetGrain<IReentrantChainGrain>(path[0]).Relay(path[1..]);
}

public interface IFailingActivationGrain : IGrainWithStringKey
{
    Task<string> Hello();
}

/// <summary>Fails to activate while <see cref="ActivationSwitch.Fail"/> is set.</summary>
[GrainType("failing-activation")]
public sealed class FailingActivationGrain(ActivationSwitch activationSwitch) : Grain, IFailingActivationGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        activationSwitch.Fail ? throw new InvalidOperationException("activation refused") : Task.CompletedTask;

    public Task<string> Hello() => Task.FromResult("hello");
}

public sealed class ActivationSwitch
{
    public volatile bool Fail;
}

public sealed class TickLogState
{
    public List<TickRecord> Ticks { get; set; } = [];
}

public sealed record TickRecord(DateTimeOffset DueTime, long TicksCovered, DateTimeOffset DeliveredAt);

public interface ITickerGrain : IGrainWithStringKey, IRemindable
{
    Task Start(TimeSpan dueTime, TimeSpan period);
    Task Stop();
    Task<List<TickRecord>> Ticks();
    Task<List<string>> ReminderNames();
}

/// <summary>Persists every reminder delivery it receives.</summary>
[GrainType("ticker")]
public sealed class TickerGrain([PersistentState("ticks")] IPersistentState<TickLogState> log, TickSink sink) : Grain, ITickerGrain
{
    public Task Start(TimeSpan dueTime, TimeSpan period) => RegisterOrUpdateReminder("tick", dueTime, period);

    public Task Stop() => UnregisterReminder("tick");

    public Task<List<TickRecord>> Ticks() => Task.FromResult(log.State.Ticks.ToList());

    public async Task<List<string>> ReminderNames() => (await GetReminders()).Select(r => r.ReminderName).ToList();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var tick = new TickRecord(status.DueTime, status.TicksCovered, status.CurrentTickTime);
        sink.Record(GetPrimaryKeyString(), tick);
        log.State.Ticks.Add(tick);
        await log.WriteStateAsync();
    }
}

public interface INotRemindableGrain : IGrainWithStringKey
{
    Task Register();
}

[GrainType("not-remindable")]
public sealed class NotRemindableGrain : Grain, INotRemindableGrain
{
    public Task Register() => RegisterOrUpdateReminder("x", TimeSpan.Zero, TimeSpan.FromSeconds(1));
}

/// <summary>Every reminder delivery of every silo in a test, whatever happens to grain state.</summary>
public sealed class TickSink
{
    private readonly List<(string Key, TickRecord Tick)> _ticks = [];

    public void Record(string key, TickRecord tick)
    {
        lock (_ticks) _ticks.Add((key, tick));
    }

    public List<TickRecord> For(string key)
    {
        lock (_ticks) return _ticks.Where(t => t.Key == key).Select(t => t.Tick).OrderBy(t => t.DueTime).ToList();
    }
}

/// <summary>Reports what ambient state of its caller reached grain code.</summary>
public interface IContextProbeGrain : IGrainWithStringKey
{
    Task<(string? Ambient, bool HasSynchronizationContext)> Seen();
}

[GrainType("context-probe")]
public sealed class ContextProbeGrain : Grain, IContextProbeGrain
{
    public static readonly AsyncLocal<string?> Ambient = new();

    public Task<(string? Ambient, bool HasSynchronizationContext)> Seen() =>
        Task.FromResult((Ambient.Value, SynchronizationContext.Current is not null));
}

using Tollgate.Runtime;

namespace Tollgate.Bench;

public interface IEchoGrain : IGrainWithStringKey
{
    Task<int> Ping();
}

/// <summary>Does no work, so a call costs only the runtime's dispatch and scheduling.</summary>
[GrainType("bench-echo")]
public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<int> Ping() => Task.FromResult(1);
}

public sealed class CounterState
{
    public long Value { get; set; }
}

public interface ICounterGrain : IGrainWithStringKey
{
    Task<long> Increment();
    Task<long> Get();
}

/// <summary>One durable write per call: an acknowledged Increment must survive a restart.</summary>
[GrainType("bench-counter")]
public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> counter) : Grain, ICounterGrain
{
    public async Task<long> Increment()
    {
        counter.State.Value++;
        await counter.WriteStateAsync();
        return counter.State.Value;
    }

    public Task<long> Get() => Task.FromResult(counter.State.Value);
}

using Tollgate.Runtime.Storage;

namespace Tollgate.Runtime.Tests;

/// <summary>Calls: mailbox order, one turn at a time, interleaving, exceptions, timeouts, deadlocks.</summary>
public sealed class GrainCallTests : SiloTestBase
{
    [Fact]
    public async Task Calls_from_one_caller_are_processed_in_the_order_sent()
    {
        var silo = await StartSiloAsync();
        var grain = silo.GrainFactory.GetGrain<ITurnProbeGrain>("fifo");

        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => grain.Append(i)).ToArray());

        Assert.Equal(Enumerable.Range(0, 500), await grain.Order());
    }

    [Fact]
    public async Task Twenty_thousand_queued_synchronous_calls_to_one_grain_all_complete()
    {
        // Turns that finish synchronously once re-entered the pump recursively and overflowed the stack.
        var silo = await StartSiloAsync();
        var grain = silo.GrainFactory.GetGrain<ITurnProbeGrain>("deep");

        await Task.WhenAll(Enumerable.Range(0, 20_000).Select(i => grain.Append(i)).ToArray());

        Assert.Equal(20_000, (await grain.Order()).Count);
    }

    [Fact]
    public async Task Calls_never_stall_when_callers_race_the_scheduler()
    {
        // Two callers in tight loops once lost a wake-up of the activation's scheduler, and every
        // later call to the grain hung; a short response timeout turns a stall into a failure. (A
        // memory-ordering race: this catches it most runs, not every run.)
        var silo = await StartSiloAsync(settings: new Dictionary<string, string?> { ["Runtime:ResponseTimeout"] = "00:00:05" });
        var grain = silo.GrainFactory.GetGrain<ITurnProbeGrain>("race");

        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 1_000_000; i++) await grain.Peek();
        })));
    }

    [Fact]
    public async Task A_grain_runs_one_turn_at_a_time_even_across_awaits()
    {
        var silo = await StartSiloAsync();
        var grain = silo.GrainFactory.GetGrain<ITurnProbeGrain>("serial");

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => grain.Hold(5)));

        var (maxInFlight, overlapped) = await grain.Stats();
        Assert.Equal(1, maxInFlight);
        Assert.False(overlapped);
    }

    [Fact]
    public async Task Callers_on_many_threads_at_once_still_get_one_turn_at_a_time()
    {
        // Callers outside the grains may run an idle activation's turn on their own thread; only
        // one of them at a time may hold it.
        var silo = await StartSiloAsync();
        var grain = silo.GrainFactory.GetGrain<ITurnProbeGrain>("many-threads");
        await grain.Peek();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++) await grain.Hold(0);
        })));

        var (maxInFlight, overlapped) = await grain.Stats();
        Assert.Equal(1, maxInFlight);
        Assert.False(overlapped);
        Assert.Equal(800, await grain.CallCount());
    }

    [Fact]
    public async Task A_call_from_outside_the_grains_to_an_idle_grain_that_need_not_wait_is_answered_before_the_caller_awaits()
    {
        // The calling thread runs the turn: no thread-pool hop to start it and none to resume the caller.
        var silo = await StartSiloAsync();
        var grain = silo.GrainFactory.GetGrain<ITurnProbeGrain>("inline");
        await grain.Append(1); // activated

        var answer = grain.CallCount();

        Assert.True(answer.IsCompletedSuccessfully);
        Assert.Equal(1, await answer);
    }

    [Fact]
    public async Task A_callers_async_locals_and_synchronization_context_never_reach_grain_code()
    {
        var silo = await StartSiloAsync();
        var grain = silo.GrainFactory.GetGrain<IContextProbeGrain>("probe");
        ContextProbeGrain.Ambient.Value = "the caller's";
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(new SynchronizationContext());
        try
        {
            // The first call activates the grain; later ones find it idle and run on this very thread.
            for (var call = 0; call < 3; call++)
                Assert.Equal((null, false), await grain.Seen());
            Assert.Equal("the caller's", ContextProbeGrain.Ambient.Value); // and the caller's own context is back
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    [Fact]
    public async Task A_reentrant_grain_interleaves_at_awaits_but_never_runs_on_two_threads()
    {
        var silo = await StartSiloAsync();
        var grain = silo.GrainFactory.GetGrain<IReentrantProbeGrain>("reentrant");

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => grain.Hold(50)));

        var (maxInFlight, overlapped) = await grain.Stats();
        Assert.True(maxInFlight > 1, $"calls should interleave, max in flight was {maxInFlight}");
        Assert.False(overlapped);
    }

    [Fact]
    public async Task An_always_interleave_method_runs_while_another_turn_awaits()
    {
        var silo = await StartSiloAsync();
        var grain = silo.GrainFactory.GetGrain<ITurnProbeGrain>("peek");

        var hold = grain.Hold(2_000);
        await Eventually(async () => await grain.Peek() == 1, "Peek never saw the held call in flight");
        Assert.False(hold.IsCompleted);
        Assert.Equal(0, await hold);
    }

    [Fact]
    public async Task An_exception_reaches_the_caller_with_its_type_and_message_and_the_activation_survives()
    {
        var silo = await StartSiloAsync();
        var grain = silo.GrainFactory.GetGrain<ITurnProbeGrain>("thrower");
        await grain.Append(1);

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => grain.Fail("bad amount"));

        Assert.Equal("bad amount", exception.Message);
        Assert.Equal(2, await grain.CallCount()); // same activation: its in-memory count goes on
    }

    [Fact]
    public async Task A_call_that_gets_no_answer_in_time_fails_with_a_timeout()
    {
        var silo = await StartSiloAsync(settings: new Dictionary<string, string?> { ["Runtime:ResponseTimeout"] = "00:00:00.300" });
        var grain = silo.GrainFactory.GetGrain<ITurnProbeGrain>("slow");

        var exception = await Assert.ThrowsAsync<TimeoutException>(() => grain.Hold(3_000));

        Assert.Contains("turn-probe/slow", exception.Message);
        Assert.Contains("Hold", exception.Message);
    }

    [Fact]
    public async Task Calls_queued_behind_a_stuck_call_time_out_on_their_own_clocks_and_the_grain_answers_again_after()
    {
        var silo = await StartSiloAsync(settings: new Dictionary<string, string?> { ["Runtime:ResponseTimeout"] = "00:00:00.300" });
        var grain = silo.GrainFactory.GetGrain<ITurnProbeGrain>("stuck");

        var stuck = grain.Hold(1_500);
        await Task.Delay(100);
        var queued = grain.CallCount(); // waits in the mailbox behind the held turn

        await Assert.ThrowsAsync<TimeoutException>(() => stuck);
        var exception = await Assert.ThrowsAsync<TimeoutException>(() => queued);
        Assert.Contains("CallCount", exception.Message);
        await Task.Delay(2_000); // the held turn ends (its caller gave up, the turn did not), then the queued call runs
        Assert.Equal(1, await grain.CallCount()); // the same activation, which counted the held call
    }

    [Fact]
    public async Task A_call_cycle_fails_at_once_with_a_deadlock_error()
    {
        var silo = await StartSiloAsync(); // default 30 s response timeout: the cycle must not wait for it
        var a = silo.GrainFactory.GetGrain<IChainGrain>("a");

        var started = DateTime.UtcNow;
        var exception = await Assert.ThrowsAsync<DeadlockException>(() => a.Relay(["b", "a"]));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        Assert.Contains("chain/a -> chain/b -> chain/a", exception.Message);
        Assert.Equal("a>b>c", await a.Relay(["b", "c"])); // both grains still answer
    }

    [Fact]
    public async Task A_grain_calling_itself_is_a_deadlock_too()
    {
        var silo = await StartSiloAsync();

        await Assert.ThrowsAsync<DeadlockException>(() => silo.GrainFactory.GetGrain<IChainGrain>("self").Relay(["self"]));
    }

    [Fact]
    public async Task A_reentrant_grain_may_be_called_back_within_its_own_call_chain()
    {
        var silo = await StartSiloAsync();

        var answer = await silo.GrainFactory.GetGrain<IReentrantChainGrain>("a").Relay(["b", "a", "c"]);

        Assert.Equal("a>b>a>c", answer);
    }

    [Fact]
    public async Task A_failed_activation_fails_the_call_and_the_next_call_activates_again()
    {
        var silo = await StartSiloAsync();
        var grain = silo.GrainFactory.GetGrain<IFailingActivationGrain>("x");
        ActivationSwitch.Fail = true;

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(grain.Hello);
        Assert.Equal("activation refused", exception.Message);

        ActivationSwitch.Fail = false;
        Assert.Equal("hello", await grain.Hello());
    }

    [Fact]
    public async Task Asking_for_an_interface_no_grain_implements_is_a_clear_error()
    {
        var silo = await StartSiloAsync();

        var exception = Assert.Throws<InvalidOperationException>(() => silo.GrainFactory.GetGrain<IUnimplementedGrain>("x"));
        Assert.Contains(nameof(IUnimplementedGrain), exception.Message);
        var ambiguous = Assert.Throws<InvalidOperationException>(() => silo.GrainFactory.GetGrain<ITurnProbe>("x"));
        Assert.Contains("several grain classes", ambiguous.Message);
    }

    [Fact]
    public async Task A_grain_reference_is_cheap_and_only_the_first_call_activates()
    {
        var silo = await StartSiloAsync();

        for (var i = 0; i < 1_000; i++) silo.GrainFactory.GetGrain<ICounterGrain>($"c{i}");
        Assert.Equal(0, silo.Runtime.ActivationCount);

        await silo.GrainFactory.GetGrain<ICounterGrain>("c1").Get();
        Assert.Equal(1, silo.Runtime.ActivationCount);
    }
}

public interface IUnimplementedGrain : IGrainWithStringKey
{
    Task Nothing();
}

using Tollgate.Runtime;
using Tollgate.Testing;

namespace Tollgate.Bench;

/// <summary>Runs one scenario on its own silo and database, then checks what storage kept.</summary>
public sealed class ScenarioRunner(BenchOptions options)
{
    /// <exception cref="BenchFailedException">Calls failed, or storage does not hold every acknowledged write.</exception>
    public async Task<ScenarioResult> RunAsync(Scenario scenario, StorageTarget database)
    {
        Progress($"running: {scenario}...");
        // Garbage left by the previous scenario should not be collected on this one's time.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        LoadResult load;
        await using (var silo = await StartSiloAsync(database))
        {
            var call = CallFor(scenario, silo.GrainFactory);
            load = await LoadGenerator.RunAsync(call, options.Concurrency, BenchOptions.WarmUp, options.Duration);
        }
        Progress($"  {load.CallsPerSecond:N0} calls/s, p50 {load.Latencies.QuantileMilliseconds(0.50):0.000} ms, p99 {load.Latencies.QuantileMilliseconds(0.99):0.000} ms");
        if (load.Failed > 0)
            throw new BenchFailedException($"{load.Failed:N0} of {load.Acknowledged + load.Failed:N0} calls failed; the first with: {load.FirstFailure!.Message}", load.FirstFailure);
        if (scenario.Workload == Workload.PersistedWrite) await VerifyDurabilityAsync(scenario, database, load.Acknowledged);
        return new ScenarioResult(scenario, load);
    }

    private static Func<Random, Task> CallFor(Scenario scenario, IGrainFactory factory)
    {
        // References are made once: the bench measures calls, not reference creation.
        switch (scenario.Workload)
        {
            case Workload.GrainCall:
                var echoes = Keys(scenario).Select(factory.GetGrain<IEchoGrain>).ToArray();
                return random => echoes[random.Next(echoes.Length)].Ping();
            case Workload.PersistedWrite:
                var counters = Keys(scenario).Select(factory.GetGrain<ICounterGrain>).ToArray();
                return random => counters[random.Next(counters.Length)].Increment();
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario));
        }
    }

    /// <summary>
    /// The silo that took the calls has stopped; a new one on the same database must read back
    /// exactly one increment per acknowledged call, no fewer (lost writes) and no more.
    /// </summary>
    private static async Task VerifyDurabilityAsync(Scenario scenario, StorageTarget database, long acknowledged)
    {
        await using var silo = await StartSiloAsync(database);
        var values = await Task.WhenAll(Keys(scenario).Select(key => silo.GrainFactory.GetGrain<ICounterGrain>(key).Get()));
        var stored = values.Sum();
        var counters = scenario.Grains == 1 ? "the counter reads" : $"the {scenario.Grains:N0} counters sum to";
        if (stored != acknowledged)
            throw new BenchFailedException(
                $"durability check failed: after a restart {counters} {stored:N0}, but {acknowledged:N0} increments were acknowledged.");
        Progress($"  verified: after a restart {counters} {stored:N0}, the number of acknowledged calls");
    }

    // Production timings: the test harness's fast reminder polling would query the database every
    // 20 ms during the measurement.
    private static Task<TestSilo> StartSiloAsync(StorageTarget database) =>
        TestSilo.StartAsync(database, typeof(EchoGrain).Assembly, TestSilo.ProductionTimings);

    private static IEnumerable<string> Keys(Scenario scenario) => Enumerable.Range(0, scenario.Grains).Select(i => $"bench-{i}");

    public static void Progress(string line) => Console.Error.WriteLine(line);
}

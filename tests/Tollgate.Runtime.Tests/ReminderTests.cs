using Tollgate.Runtime.Storage;

namespace Tollgate.Runtime.Tests;

/// <summary>Durable reminders: schedule, restarts, catch-up after downtime, one delivery per tick.</summary>
public sealed class ReminderTests : SiloTestBase
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    [Theory, MemberData(nameof(AllProviders))]
    public async Task Reminders_fire_on_schedule_as_normal_turns(StorageProviderKind provider)
    {
        var silo = await StartSiloAsync(provider);
        var ticker = silo.GrainFactory.GetGrain<ITickerGrain>("t");
        var registering = DateTimeOffset.UtcNow;
        await ticker.Start(TimeSpan.FromMilliseconds(50), Period);
        var registered = DateTimeOffset.UtcNow;

        await Eventually(async () => (await ticker.Ticks()).Count >= 5, "fewer than five ticks arrived");

        var ticks = await ticker.Ticks();
        var first = ticks[0].DueTime;
        // Due 50 ms after the registration, which happened somewhere inside the Start call.
        Assert.InRange(first, registering.AddMilliseconds(40), registered.AddMilliseconds(200));
        // Every scheduled boundary arrives once, in order, no earlier than it was due (a busy machine
        // may merge late ones into a catch-up tick that says how many it covers).
        Assert.Equal(Running(ticks), ticks.Select(t => t.DueTime));
        Assert.All(ticks, t => Assert.True(t.DeliveredAt >= t.DueTime));
    }

    [Theory, MemberData(nameof(AllProviders))]
    public async Task Unregistered_reminders_stop_and_are_gone(StorageProviderKind provider)
    {
        var silo = await StartSiloAsync(provider);
        var ticker = silo.GrainFactory.GetGrain<ITickerGrain>("t");
        await ticker.Start(TimeSpan.Zero, Period);
        Assert.Equal(["tick"], await ticker.ReminderNames());
        await Eventually(async () => (await ticker.Ticks()).Count >= 1, "no tick arrived");

        await ticker.Stop();
        var count = (await ticker.Ticks()).Count;
        await Task.Delay(Period * 4);

        Assert.InRange((await ticker.Ticks()).Count, count, count + 1); // at most one already in flight
        Assert.Empty(await ticker.ReminderNames());
    }

    [Theory, MemberData(nameof(SharedDatabaseProviders))]
    public async Task Reminders_survive_a_restart_and_deliver_one_catch_up_tick_for_the_downtime(StorageProviderKind provider)
    {
        var storage = await NewStorageAsync(provider);
        var silo = await StartSiloAsync(storage);
        await silo.GrainFactory.GetGrain<ITickerGrain>("t").Start(TimeSpan.Zero, Period);
        await Eventually(async () => (await silo.GrainFactory.GetGrain<ITickerGrain>("t").Ticks()).Count >= 2, "no ticks before the restart");
        await silo.StopAsync();
        var stoppedAt = DateTimeOffset.UtcNow;

        await Task.Delay(Period * 6);
        var restarted = await StartSiloAsync(storage);
        var ticker = restarted.GrainFactory.GetGrain<ITickerGrain>("t");
        var before = (await ticker.Ticks()).Count;
        await Eventually(async () => (await ticker.Ticks()).Count >= before + 3, "ticks did not resume after the restart");

        var ticks = await ticker.Ticks();
        var catchUp = ticks[before];
        Assert.True(catchUp.DueTime <= stoppedAt + Period, "the catch-up tick starts at the first missed boundary");
        Assert.True(catchUp.TicksCovered >= 5, $"the catch-up tick covers the downtime, got {catchUp.TicksCovered}");
        // No boundary lost and none delivered twice, across the restart.
        Assert.Equal(ticks.Select(t => t.DueTime).Distinct().Count(), ticks.Count);
        Assert.Equal(Running(ticks), ticks.Select(t => t.DueTime));
    }

    [Theory, MemberData(nameof(SharedDatabaseProviders))]
    public async Task Two_silos_on_one_database_deliver_each_tick_once(StorageProviderKind provider)
    {
        var storage = await NewStorageAsync(provider);
        var first = await StartSiloAsync(storage);
        var second = await StartSiloAsync(storage);
        await first.GrainFactory.GetGrain<ITickerGrain>("shared").Start(TimeSpan.Zero, Period);

        await Eventually(() => Task.FromResult(Ticks.For("shared").Count >= 10), "fewer than ten ticks arrived");
        await first.GrainFactory.GetGrain<ITickerGrain>("shared").Stop();

        // Both silos poll the same table; each boundary was delivered by exactly one of them.
        var ticks = Ticks.For("shared");
        Assert.Equal(ticks.Select(t => t.DueTime).Distinct().Count(), ticks.Count);
        Assert.Equal(Running(ticks), ticks.Select(t => t.DueTime));
    }

    [Theory, MemberData(nameof(SharedDatabaseProviders))]
    public async Task Hundreds_of_ticks_due_at_once_are_each_delivered_once_by_two_silos(StorageProviderKind provider)
    {
        // Stored before any silo polls, all due: the first polls find them together and claim them
        // side by side, both silos racing for the same ones.
        var storage = await NewStorageAsync(provider);
        var keys = Enumerable.Range(0, 300).Select(i => $"due-together-{i}").ToList();
        var dueAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds()); // as stored
        await using var tables = StorageProviders.Create(new StorageOptions { Provider = provider, ConnectionString = storage.ConnectionString });
        await tables.InitializeAsync(CancellationToken.None);
        foreach (var key in keys) await tables.Reminders.UpsertAsync(new GrainId("ticker", key), "tick", dueAt, TimeSpan.FromHours(1));

        await StartSiloAsync(storage);
        await StartSiloAsync(storage);
        await Eventually(() => Task.FromResult(keys.All(key => Ticks.For(key).Count > 0)), "not every due tick was delivered");
        await Task.Delay(TimeSpan.FromMilliseconds(200)); // ten more polls of each silo: nothing is delivered twice

        Assert.All(keys, key =>
        {
            var tick = Assert.Single(Ticks.For(key));
            Assert.Equal(dueAt, tick.DueTime);
        });
        // Every claim moved its reminder on to the next boundary, an hour after the one delivered.
        Assert.Empty(await tables.Reminders.ReadDueAsync(DateTimeOffset.UtcNow, 1_000));
    }

    [Fact]
    public async Task A_period_below_the_minimum_is_refused()
    {
        var silo = await StartSiloAsync(settings: new Dictionary<string, string?> { ["Runtime:ReminderMinimumPeriod"] = "00:01:00" });

        var exception = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            silo.GrainFactory.GetGrain<ITickerGrain>("t").Start(TimeSpan.Zero, TimeSpan.FromSeconds(10)));
        Assert.Contains("Runtime:ReminderMinimumPeriod", exception.Message);
    }

    [Fact]
    public async Task A_grain_that_is_not_remindable_cannot_register()
    {
        var silo = await StartSiloAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => silo.GrainFactory.GetGrain<INotRemindableGrain>("x").Register());
    }

    /// <summary>The due time each delivery would have if deliveries advanced by the ticks they cover.</summary>
    private static IEnumerable<DateTimeOffset> Running(List<TickRecord> ticks) =>
        ticks.Select((_, i) => ticks[0].DueTime + Period * Covered(ticks, i));

    private static long Covered(List<TickRecord> ticks, int upTo) => ticks.Take(upTo).Sum(t => t.TicksCovered);
}

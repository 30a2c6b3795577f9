using System.Text.Json;
using Tollgate.Grains.Quotas;
using Tollgate.Testing;

namespace Tollgate.Grains.Tests.Quotas;

public sealed class IdempotencyMemoryTests
{
    private static readonly TimeSpan Retention = TimeSpan.FromHours(24), RememberFor = TimeSpan.FromMinutes(1);

    private readonly OffsetTimeProvider _clock = new();
    private readonly Dictionary<string, string> _stored = new(StringComparer.Ordinal);
    private readonly List<(string[] Keys, TaskCompletionSource Release)> _reads = [];

    private IdempotencyMemory Memory() => new(async keys =>
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _reads.Add((keys.Order(StringComparer.Ordinal).ToArray(), release));
        await release.Task;
        return keys.Where(_stored.ContainsKey).ToDictionary(key => key, key => _stored[key]);
    }, _clock, Retention, RememberFor);

    private KeyedConsume Consume(long amount) => new(_clock.GetUtcNow(), amount, true, null, DateTimeOffset.UnixEpoch, false);

    [Fact]
    public async Task Keys_asked_for_while_a_read_is_in_flight_share_the_next_read()
    {
        var memory = Memory();
        _stored["b"] = JsonSerializer.Serialize(Consume(7), QuotaJson.Default.KeyedConsume);

        var a = memory.RecallAsync("a");
        var b = memory.RecallAsync("b");
        var c = memory.RecallAsync("c");
        Assert.Equal([["a"]], _reads.Select(r => r.Keys));
        _reads[0].Release.SetResult();
        await a;
        await PollAsync(() => _reads.Count == 2);
        Assert.Equal(["b", "c"], _reads[1].Keys);
        _reads[1].Release.SetResult();
        await Task.WhenAll(b, c);

        Assert.Equal(7, memory.Fresh("b", _clock.GetUtcNow())?.Amount);
        Assert.Null(memory.Fresh("c", _clock.GetUtcNow()));
        Assert.Null(memory.Fresh("b", _clock.GetUtcNow() + Retention)); // too old to answer
    }

    [Fact]
    public void An_entry_is_forgotten_once_it_is_durable_and_a_minute_old_and_not_before()
    {
        var memory = Memory();
        memory.Remember("old", Consume(1), _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromMinutes(2));

        memory.Remember("new", Consume(2), _clock.GetUtcNow()); // "old" is not durable yet
        Assert.Equal(2, memory.Count);
        memory.DurableThrough(memory.Changes);
        memory.Remember("newer", Consume(3), _clock.GetUtcNow());

        Assert.Equal(2, memory.Count); // "new" is durable but young
        Assert.Null(memory.Fresh("old", _clock.GetUtcNow()));
        Assert.NotNull(memory.Fresh("new", _clock.GetUtcNow()));
    }

    private static async Task PollAsync(Func<bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}

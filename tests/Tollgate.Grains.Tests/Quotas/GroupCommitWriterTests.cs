using Tollgate.Grains.Quotas;
using Tollgate.Storage;

namespace Tollgate.Grains.Tests.Quotas;

public sealed class GroupCommitWriterTests
{
    private readonly List<(IReadOnlyList<JournalRecord> Records, TaskCompletionSource Done)> _writes = [];
    private int _broken;

    private GroupCommitWriter Writer() => new((records, _) =>
    {
        var done = new TaskCompletionSource();
        _writes.Add((records, done));
        return done.Task;
    }, () => _broken++);

    private static JournalRecord Record(string name) => new("usage", "tnt", name, DateTimeOffset.UnixEpoch, "{}");

    [Fact]
    public async Task Changes_made_while_a_write_is_in_flight_share_the_next_write()
    {
        var writer = Writer();
        writer.Add(Record("a"));
        var first = writer.WriteAsync();
        writer.Add(Record("b"));
        var second = writer.WriteAsync();
        writer.Add(Record("c"));
        var third = writer.WriteAsync();

        Assert.Same(second, third);
        Assert.Single(_writes);
        Assert.Same(second, writer.DurableAsync());
        _writes[0].Done.SetResult();
        await first;
        Assert.Equal(2, _writes.Count);
        Assert.Equal(["b", "c"], _writes[1].Records.Select(r => r.Name));
        Assert.False(second.IsCompleted);
        _writes[1].Done.SetResult();
        await second;
        Assert.True(writer.DurableAsync().IsCompleted);
        Assert.Null(writer.InFlight);
    }

    [Fact]
    public async Task A_failed_write_fails_the_write_behind_it_and_breaks_the_writer()
    {
        var writer = Writer();
        var first = writer.WriteAsync();
        var second = writer.WriteAsync();

        _writes[0].Done.SetException(new InvalidOperationException("refused"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        Assert.True(writer.Broken);
        Assert.Equal(1, _broken);
        Assert.Single(_writes);
    }
}

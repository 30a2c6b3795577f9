using System.Diagnostics.Metrics;
using Tollgate.Runtime.Storage;
using Tollgate.Testing;

namespace Tollgate.Runtime.Tests;

/// <summary>The meter is process-wide: these run alone, so every measurement seen is one of theirs.</summary>
[CollectionDefinition(nameof(StorageMetricsTests), DisableParallelization = true)]
public sealed class StorageMetricsCollection;

[Collection(nameof(StorageMetricsTests))]
public sealed class StorageMetricsTests
{
    public static TheoryData<StorageProviderKind, string> Databases => new()
    {
        { StorageProviderKind.Sqlite, "sqlite" },
        { StorageProviderKind.PostgreSql, "postgresql" },
    };

    [Theory, MemberData(nameof(Databases))]
    public async Task Each_commit_reports_its_duration_and_the_writes_it_carried(StorageProviderKind provider, string database)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var storage = StorageProviders.Create(new StorageOptions { Provider = provider, ConnectionString = target.ConnectionString }, target.Memory);
        await storage.InitializeAsync(CancellationToken.None);
        var durations = new List<(double Seconds, string? Database)>();
        var writes = new List<(int Writes, string? Database)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == StorageMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "tollgate.storage.commit.duration") lock (durations) durations.Add((value, DatabaseOf(tags)));
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "tollgate.storage.commit.writes") lock (writes) writes.Add((value, DatabaseOf(tags)));
        });
        listener.Start();

        // One at a time: a commit each.
        for (var i = 0; i < 3; i++) await storage.GrainStorage.WriteAsync(new GrainStateKey("counter", $"one-{i}", "state"), "1", 0, []);
        Assert.Equal(3, durations.Count);
        Assert.All(durations, d => Assert.True(d.Seconds > 0));
        Assert.All(durations, d => Assert.Equal(database, d.Database));
        Assert.Equal([1, 1, 1], writes.Select(w => w.Writes));

        // Forty at once: group commit carries them in fewer transactions, and every write is counted once.
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => storage.GrainStorage.WriteAsync(new GrainStateKey("counter", $"many-{i}", "state"), "1", 0, [])));
        Assert.Equal(43, writes.Sum(w => w.Writes));
        Assert.Equal(writes.Count, durations.Count);
        Assert.All(writes, w => Assert.Equal(database, w.Database));
    }

    private static string? DatabaseOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
            if (tag.Key == StorageMetrics.DatabaseTag) return tag.Value as string;
        return null;
    }
}

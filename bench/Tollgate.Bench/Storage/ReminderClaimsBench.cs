using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Runtime;
using Tollgate.Runtime.Reminders;
using Tollgate.Runtime.Storage;
using Tollgate.Testing;

namespace Tollgate.Bench.Storage;

/// <summary>
/// How long a silo takes to claim thousands of reminders that are due at once: a restart after
/// downtime, or many subscriptions renewing at the same moment. The baseline claims them one after
/// another, as Tollgate did before; Tollgate claims them side by side (<see cref="ReminderService.ClaimAsync"/>).
/// Both read them a poll's worth at a time, and each claim is the same conditional update.
/// </summary>
public static class ReminderClaimsBench
{
    private const int Reminders = 2_000;
    private const int PerPoll = 500;          // what the silo reads per poll
    private const int Repeats = 3;            // each on a fresh database; the table shows the median

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var table = new TextTable(("storage", false), ("claims made", false), ("reminders", true), ("ms to claim all", true),
            ("claims/s", true), ("speed-up", true));
        await BenchDatabases.ForEachAsync(options, async (storage, kind, server) =>
        {
            var storageName = storage.ToString().ToLowerInvariant();
            double? baseline = null;
            foreach (var sideBySide in new[] { false, true })
            {
                var system = sideBySide ? "side by side (tollgate)" : "one after another (baseline)";
                ScenarioRunner.Progress($"running: {storageName}, {Reminders:N0} due reminders claimed {system}...");
                var runs = new List<double>();
                for (var run = 0; run < Repeats; run++) runs.Add(await ClaimAllAsync(kind, server, sideBySide));
                var median = runs.Order().ElementAt(Repeats / 2);
                ScenarioRunner.Progress($"  {string.Join(", ", runs.Select(ms => $"{ms:0.0} ms"))}");
                baseline ??= median;
                table.Add(storageName, system, Reminders.ToString("N0"), median.ToString("0.0"), (Reminders / (median / 1000)).ToString("N0"),
                    $"{baseline / median:0.0}x");
            }
        });
        Console.WriteLine();
        Console.Write(table);
        Console.WriteLine($"median of {Repeats} runs, each on a fresh database: {Reminders:N0} reminders due, read {PerPoll} at a time, every one claimed once.");
        return 0;
    }

    /// <summary>Stores the due reminders, then times claiming them all, poll by poll; fails unless each was claimed once.</summary>
    private static async Task<double> ClaimAllAsync(StorageProviderKind kind, PostgresServer? server, bool sideBySide)
    {
        await using var target = await StorageTarget.CreateAsync(kind, server);
        await using var provider = StorageProviders.Create(new StorageOptions { Provider = kind, ConnectionString = target.ConnectionString });
        await provider.InitializeAsync(CancellationToken.None);
        var reminders = provider.Reminders;
        var dueAt = DateTimeOffset.UtcNow.AddHours(-1);
        foreach (var chunk in Enumerable.Range(0, Reminders).Chunk(100))
            await Task.WhenAll(chunk.Select(i => reminders.UpsertAsync(new GrainId("bench", $"subscription-{i}"), "period", dueAt, TimeSpan.FromDays(30))));

        var claimed = 0;
        var startedAt = Stopwatch.GetTimestamp();
        for (var poll = 0; poll <= Reminders / PerPoll; poll++)
        {
            var now = DateTimeOffset.UtcNow;
            var due = await reminders.ReadDueAsync(now, PerPoll);
            if (due.Count == 0) break;
            var ticks = due.Select(entry => (entry, ReminderService.NextDue(entry, ReminderService.TickFor(entry, now)))).ToList();
            if (sideBySide)
                claimed += (await ReminderService.ClaimAsync(reminders, ticks, NullLogger.Instance, CancellationToken.None)).Count(won => won);
            else
                foreach (var (entry, nextDue) in ticks)
                    if (await reminders.TryAdvanceAsync(entry, nextDue)) claimed++;
        }
        var milliseconds = Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds;

        var left = await reminders.ReadDueAsync(DateTimeOffset.UtcNow, Reminders);
        if (claimed != Reminders || left.Count > 0)
            throw new BenchFailedException($"{kind}: {claimed:N0} of {Reminders:N0} reminders claimed, {left.Count:N0} still due.");
        return milliseconds;
    }
}

using System.Diagnostics;
using System.Text.Json;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.Reports;
using Tollgate.Grains.Identity;
using Tollgate.Grains.Quotas;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Bench.Reports;

/// <summary>
/// How long a usage report takes over a long history: from the counters' day totals (what
/// <see cref="UsageTotals"/> does) beside reading and summing every usage record in the range (what
/// Tollgate did before). Both must give the same totals.
/// </summary>
public static class UsageReportBench
{
    private const int Days = 30, RecordsPerDay = 10_000, QuotaTypes = 10, RecordsPerWrite = 1_000;
    private const string Tenant = "tenant-0", Neighbour = "tenant-1";
    private static readonly DateTimeOffset Day0 = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    private const int Repeats = 5;

    private sealed record Report(string Name, DateTimeOffset From, DateTimeOffset To, string? QuotaType = null);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var table = new TextTable(("storage", false), ("report", false), ("records in range", true), ("all records ms", true),
            ("day totals ms", true), ("speed-up", true));
        await BenchDatabases.ForEachAsync(options, async (storage, kind, server) =>
        {
            await using var target = await StorageTarget.CreateAsync(kind, server);
            await using var journal = await SqlJournal.OpenAsync(new StorageOptions { Provider = kind, ConnectionString = target.ConnectionString });
            await FillAsync(journal, storage);
            // Every counter in this history has closed its last day, so a report never asks one.
            var usage = new UsageTotals(journal, key =>
                throw new BenchFailedException($"The report asked counter {key} for a day it holds; the bench's history has none."));
            foreach (var report in Reports())
            {
                var (records, recordsMs) = await TimeAsync(() => SumRecordsAsync(journal, report));
                var (totals, totalsMs) = await TimeAsync(async () =>
                    (await usage.ReadAsync(Tenant, report.From, report.To, report.QuotaType, CancellationToken.None)).ToList());
                if (!records.Totals.SequenceEqual(totals))
                    throw new BenchFailedException($"{storage} {report.Name}: the day totals differ from the sum of the records.");
                table.Add(storage.ToString().ToLowerInvariant(), report.Name, records.Count.ToString("N0"), recordsMs.ToString("0.00"),
                    totalsMs.ToString("0.00"), $"{recordsMs / totalsMs:0.0}x");
                Progress.Report($"  {report.Name}: {records.Count:N0} records, all records {recordsMs:0.00} ms, day totals {totalsMs:0.00} ms");
            }
            // The CSV export lists records, so it reads them either way; day totals only bound where.
            var day = Day0.AddDays(5);
            var walked = await TimeAsync(() => CountAsync(journal.ReadAllAsync(new JournalQuery(Usage.Stream) { Scope = Tenant, From = day, To = day.AddDays(1) })));
            var bounded = await TimeAsync(() => CountAsync(usage.RecordsAsync(Tenant, day, day.AddDays(1), null, CancellationToken.None)));
            if (walked.Result != bounded.Result) throw new BenchFailedException($"{storage} export: {bounded.Result:N0} records listed, not {walked.Result:N0}.");
            table.Add(storage.ToString().ToLowerInvariant(), "export of day 6 of 30", walked.Result.ToString("N0"), walked.Milliseconds.ToString("0.00"),
                bounded.Milliseconds.ToString("0.00"), $"{walked.Milliseconds / bounded.Milliseconds:0.0}x");
        });
        Console.WriteLine();
        Console.Write(table);
        Console.WriteLine($"median of {Repeats} runs each; {Days} days of {RecordsPerDay:N0} usage records a day over {QuotaTypes} quota types, for the tenant and as many for a neighbour.");
        return 0;
    }

    private static IEnumerable<Report> Reports()
    {
        yield return new Report("30 days, by day", Day0, Day0.AddDays(Days));
        yield return new Report("10 days cut mid-day", Day0.AddDays(10).AddHours(12), Day0.AddDays(20).AddHours(12));
        yield return new Report("1 day, 1 quota type", Day0.AddDays(15), Day0.AddDays(16), "app/q3");
        yield return new Report("1 hour", Day0.AddDays(15).AddHours(10), Day0.AddDays(15).AddHours(11));
        yield return new Report("a month before any usage", Day0.AddDays(-30), Day0);
    }

    /// <summary>
    /// Usage records in time order, consumes and one refund in ten, for two tenants, with the day
    /// totals their counters write: an open before a counter's first record of a day, the close of
    /// its previous day just before that, and (the counters having moved on) every last day closed.
    /// </summary>
    private static async Task FillAsync(SqlJournal journal, BenchStorage name)
    {
        Progress.Report($"{name}: writing {Days * RecordsPerDay * 2:N0} usage records...");
        var sequence = 0L;
        var batch = new List<SequencedRecord>(RecordsPerWrite);
        void Add(JournalRecord record) => batch.Add(new SequencedRecord(++sequence, record));
        var counters = new Dictionary<(string Tenant, string QuotaType), UsageDayRecord>();
        var interval = TimeSpan.FromDays(1) / RecordsPerDay;
        var actor = new AuditEntryActor("apiKey", "key-1");
        for (var i = 0; i < Days * RecordsPerDay; i++)
        {
            var at = Day0 + interval * i;
            var day = DateOnly.FromDateTime(at.UtcDateTime);
            foreach (var tenant in new[] { Tenant, Neighbour })
            {
                var quotaType = $"app/q{i % QuotaTypes}";
                var kind = i % 10 == 9 ? Usage.Refund : Usage.Consume;
                var amount = 1 + i % 97;
                var held = counters.GetValueOrDefault((tenant, quotaType));
                if (held?.Day != day)
                {
                    if (held is not null) Add(DayRecord(tenant, quotaType, held with { Kind = Usage.Closed }));
                    Add(DayRecord(tenant, quotaType, held = new UsageDayRecord(Usage.Opened, day, 0, 0)));
                }
                counters[(tenant, quotaType)] = kind == Usage.Refund ? held with { Refunded = held.Refunded + amount } : held with { Consumed = held.Consumed + amount };
                Add(new JournalRecord(Usage.Stream, tenant, quotaType, at,
                    JsonSerializer.Serialize(new UsageRecord(at, kind, quotaType, amount, actor, null), UsageJson.Default.UsageRecord)));
            }
            if (batch.Count < RecordsPerWrite) continue;
            await journal.WriteAsync("bench-usage/filler", batch, []);
            batch.Clear();
        }
        foreach (var (counter, day) in counters) Add(DayRecord(counter.Tenant, counter.QuotaType, day with { Kind = Usage.Closed }));
        await journal.WriteAsync("bench-usage/filler", batch, []);
    }

    private static JournalRecord DayRecord(string tenant, string quotaType, UsageDayRecord record) =>
        new(Usage.DaysStream, tenant, quotaType, Usage.Start(record.Day), JsonSerializer.Serialize(record, UsageJson.Default.UsageDayRecord));

    private sealed record Summary(int Count, List<KeyValuePair<(DateOnly Day, string QuotaType), (long Consumed, long Refunded)>> Totals);

    /// <summary>Every record in the range, newest first, page by page, each payload parsed and added up.</summary>
    private static async Task<Summary> SumRecordsAsync(IJournalReader journal, Report report)
    {
        var totals = new SortedDictionary<(DateOnly Day, string QuotaType), (long Consumed, long Refunded)>();
        var count = 0;
        await foreach (var record in journal.ReadAllAsync(new JournalQuery(Usage.Stream) { Scope = Tenant, Name = report.QuotaType, From = report.From, To = report.To }))
        {
            var usage = JsonSerializer.Deserialize(record.Payload, UsageJson.Default.UsageRecord)!;
            var key = (DateOnly.FromDateTime(usage.At.UtcDateTime), usage.QuotaType);
            var (consumed, refunded) = totals.GetValueOrDefault(key);
            totals[key] = usage.Kind == Usage.Refund ? (consumed, refunded + usage.Amount) : (consumed + usage.Amount, refunded);
            count++;
        }
        return new Summary(count, totals.ToList());
    }

    private static async Task<int> CountAsync(IAsyncEnumerable<StoredJournalRecord> records)
    {
        var count = 0;
        await foreach (var _ in records) count++;
        return count;
    }

    private static async Task<(T Result, double Milliseconds)> TimeAsync<T>(Func<Task<T>> run)
    {
        T result = default!;
        var times = new List<double>();
        for (var i = 0; i <= Repeats; i++) // the first run warms caches and JIT, and is not counted
        {
            var started = Stopwatch.GetTimestamp();
            result = await run();
            if (i > 0) times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return (result, times.Order().ElementAt(times.Count / 2));
    }

}

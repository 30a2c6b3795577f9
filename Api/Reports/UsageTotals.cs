using System.Runtime.CompilerServices;
using System.Text.Json;
using Tollgate.Api.Infrastructure;
using Tollgate.Grains.Quotas;

namespace Tollgate.Api.Reports;

/// <summary>
/// A tenant's usage per UTC day and quota type over a time range, added up from the counters' day
/// totals (<see cref="UsageDayRecord"/>) instead of every usage record, so a report's cost grows
/// with the days and quota types it covers, not with the consumes in them:
/// <list type="bullet">
/// <item>a whole day a counter has closed: its "close" record;</item>
/// <item>a whole day a counter still holds: the counter's own totals, as stored;</item>
/// <item>a day the range cuts: the usage records in the cut, read only between that day's opens and closes;</item>
/// <item>usage recorded before day totals were kept: the usage records older than the first day
///   total ever written.</item>
/// </list>
/// The CSV export's records are found the same way (<see cref="RecordsAsync"/>).
/// </summary>
/// <param name="heldDay">The day a counter (by key) holds, as stored: its quota counter grain's <c>GetDayUsage</c>.</param>
public sealed class UsageTotals(IJournalReader journal, Func<string, Task<DayUsage?>> heldDay)
{
    public UsageTotals(IJournalReader journal, IGrainFactory grains)
        : this(journal, key => grains.GetGrain<IQuotaCounterGrain>(key).GetDayUsage())
    {
    }

    private long _firstDayTotal; // its sequence, once there is one (sequences start at 1): it never changes after

    /// <summary>One counter's day as the day totals show it: its open, and its close if written (and the close's sequence).</summary>
    private readonly record struct CounterDay(long Opened, long Closing, UsageDayRecord? Closed);

    public async Task<SortedDictionary<(DateOnly Day, string QuotaType), (long Consumed, long Refunded)>> ReadAsync(
        string tenantId, DateTimeOffset? from, DateTimeOffset? to, string? quotaType, CancellationToken cancellationToken)
    {
        var totals = new SortedDictionary<(DateOnly Day, string QuotaType), (long Consumed, long Refunded)>();
        var usage = UsageIn(tenantId, from, to, quotaType);
        var firstDayTotal = await FirstDayTotalAsync(cancellationToken);
        await AddRecordsAsync(totals, usage with { Before = firstDayTotal }, cancellationToken);
        if (firstDayTotal is null) return totals; // no day totals yet: the records were all there is

        var days = await ReadDaysAsync(tenantId, from, to, quotaType, cancellationToken);
        var firstWhole = from is { } f ? DayOf(f).AddDays(Usage.Start(DayOf(f)) == f ? 0 : 1) : DateOnly.MinValue;
        var endWhole = to is { } t ? DayOf(t) : DateOnly.MaxValue; // exclusive
        bool IsWhole(DateOnly day) => day >= firstWhole && day < endWhole;

        var held = days.Where(d => IsWhole(d.Key.Day) && d.Value.Closed is null)
            .Select(async d => (d.Key, Usage: await heldDay(QuotaCounterKey.For(tenantId, d.Key.QuotaType))))
            .ToList();
        foreach (var (key, dayUsage) in await Task.WhenAll(held))
        {
            if (dayUsage?.Day == key.Day) Add(totals, key, dayUsage.Consumed, dayUsage.Refunded);
            else // the counter closed the day after it was read: its records are the answer
                await AddRecordsAsync(totals, usage with { Name = key.QuotaType, From = Usage.Start(key.Day), To = Usage.Start(key.Day.AddDays(1)), After = days[key].Opened }, cancellationToken);
        }
        foreach (var (key, day) in days)
            if (IsWhole(key.Day) && day.Closed is { } closed) Add(totals, key, closed.Consumed, closed.Refunded);

        foreach (var day in days.Keys.Select(k => k.Day).Distinct().Where(d => !IsWhole(d)))
        {
            var cut = Within(usage, days.Where(d => d.Key.Day == day).Select(d => d.Value));
            await AddRecordsAsync(totals, cut with { From = Max(from, Usage.Start(day)), To = Min(to, Usage.Start(day.AddDays(1))) }, cancellationToken);
        }
        return totals;
    }

    /// <summary>
    /// The tenant's usage records in range, newest first, as the CSV export lists them. Only the
    /// stretch of the journal its days' opens and closes enclose is read, then any records from
    /// before day totals, so an old month does not cost a walk back from today.
    /// </summary>
    public async IAsyncEnumerable<StoredJournalRecord> RecordsAsync(string tenantId, DateTimeOffset? from, DateTimeOffset? to, string? quotaType,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var usage = UsageIn(tenantId, from, to, quotaType);
        var firstDayTotal = await FirstDayTotalAsync(cancellationToken);
        if (firstDayTotal is not null && await ReadDaysAsync(tenantId, from, to, quotaType, cancellationToken) is { Count: > 0 } days)
            await foreach (var record in journal.ReadAllAsync(Within(usage, days.Values), cancellationToken))
                yield return record;
        await foreach (var record in journal.ReadAllAsync(usage with { Before = firstDayTotal }, cancellationToken))
            yield return record;
    }

    /// <summary>The tenant's usage records in range, the whole journal over.</summary>
    private static JournalQuery UsageIn(string tenantId, DateTimeOffset? from, DateTimeOffset? to, string? quotaType) =>
        new(Usage.Stream) { Scope = tenantId, Name = quotaType, From = from, To = to };

    /// <summary>A counter's records of a day lie after its open of that day and before its close, so these days' records lie within these bounds.</summary>
    private static JournalQuery Within(JournalQuery query, IEnumerable<CounterDay> days)
    {
        var list = days.ToList();
        return query with { After = list.Min(d => d.Opened), Before = list.All(d => d.Closed is not null) ? list.Max(d => d.Closing) : null };
    }

    /// <summary>The tenant's day totals in range, by day and quota type.</summary>
    private async Task<Dictionary<(DateOnly Day, string QuotaType), CounterDay>> ReadDaysAsync(
        string tenantId, DateTimeOffset? from, DateTimeOffset? to, string? quotaType, CancellationToken cancellationToken)
    {
        var query = new JournalQuery(Usage.DaysStream)
        {
            Scope = tenantId, Name = quotaType,
            From = from is { } f ? Usage.Start(DayOf(f)) : null,
            To = to is { } t ? Usage.Start(DayOf(t - TimeSpan.FromTicks(1)).AddDays(1)) : null,
        };
        var days = new Dictionary<(DateOnly Day, string QuotaType), CounterDay>();
        await foreach (var stored in journal.ReadAllAsync(query, cancellationToken))
        {
            var record = JsonSerializer.Deserialize(stored.Payload, UsageJson.Default.UsageDayRecord)!;
            var key = (record.Day, stored.Name);
            var day = days.GetValueOrDefault(key, new CounterDay(long.MaxValue, 0, null));
            days[key] = record.Kind == Usage.Opened ? day with { Opened = Math.Min(day.Opened, stored.Sequence) } : day with { Closing = stored.Sequence, Closed = record };
        }
        return days;
    }

    private async Task<long?> FirstDayTotalAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _firstDayTotal) == 0
            && (await journal.ReadAsync(new JournalQuery(Usage.DaysStream) { OldestFirst = true, Limit = 1 }, cancellationToken)) is [var first])
            Volatile.Write(ref _firstDayTotal, first.Sequence);
        return Volatile.Read(ref _firstDayTotal) is > 0 and var sequence ? sequence : null;
    }

    private async Task AddRecordsAsync(IDictionary<(DateOnly, string), (long Consumed, long Refunded)> totals, JournalQuery query, CancellationToken cancellationToken)
    {
        await foreach (var stored in journal.ReadAllAsync(query, cancellationToken))
        {
            var record = Parse(stored);
            var (consumed, refunded) = record.Kind == Usage.Refund ? (0L, record.Amount) : (record.Amount, 0L);
            Add(totals, (DayOf(record.At), record.QuotaType), consumed, refunded);
        }
    }

    /// <summary>A record of the "usage" stream, as its counter wrote it.</summary>
    public static UsageRecord Parse(StoredJournalRecord record) => JsonSerializer.Deserialize(record.Payload, UsageJson.Default.UsageRecord)!;

    /// <summary>Adds to the totals under <paramref name="key"/>, starting from none; <see cref="OverflowException"/> rather than wrap.</summary>
    public static void Add<TKey>(IDictionary<TKey, (long Consumed, long Refunded)> totals, TKey key, long consumed, long refunded)
    {
        var (c, r) = totals.TryGetValue(key, out var sum) ? sum : (0, 0);
        totals[key] = (QuotaSums.Add(c, consumed), QuotaSums.Add(r, refunded));
    }

    private static DateOnly DayOf(DateTimeOffset time) => DateOnly.FromDateTime(time.UtcDateTime);
    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;
    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;
}

using System.Globalization;
using System.Text;
using Tollgate.Api.Infrastructure;
using Tollgate.Grains.Analytics;

namespace Tollgate.Api.Reports;

/// <summary>The months an operator asked for, first and last (each the 1st of its month, UTC).</summary>
public sealed record AnalyticsRange(DateOnly First, DateOnly Last)
{
    public string From => RevenueAnalytics.Text(First);
    public string To => RevenueAnalytics.Text(Last);

    /// <summary>The months of the range up to <paramref name="thisMonth"/> (later ones have no figures yet), or null when none
    /// is.</summary>
    public AnalyticsRange? UpTo(DateOnly thisMonth) => First > thisMonth ? null : this with { Last = Last < thisMonth ? Last : thisMonth };
}

/// <summary>
/// Revenue analytics as the JSON route, the console's page and its CSV read them: one check of the months asked for and one read
/// of the month grains (<see cref="IRevenueReportGrain"/>), so the three always show the same numbers.
/// </summary>
public static class RevenueAnalytics
{
    /// <summary>The most months one request covers.</summary>
    public const int MaxMonths = 36;

    private const string MonthFormat = "yyyy-MM";

    public static DateOnly ThisMonth(TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new DateOnly(now.Year, now.Month, 1);
    }

    /// <summary>The months from <paramref name="from"/> to <paramref name="to"/> ("yyyy-MM"; by default the 12 months up to this
    /// one), or null with the reason in <paramref name="inputs"/>.</summary>
    public static AnalyticsRange? Range(string? from, string? to, DateOnly thisMonth, Inputs inputs)
    {
        var last = string.IsNullOrEmpty(to) ? thisMonth : Month(to);
        var first = string.IsNullOrEmpty(from) ? last?.AddMonths(-11) : Month(from);
        if (first is null) inputs.Fail("from", "from must be a month written yyyy-MM.");
        if (last is null) inputs.Fail("to", "to must be a month written yyyy-MM.");
        if (first > last) inputs.Fail("to", "to must not be before from.");
        else if (first is { } f && last is { } l && (l.Year - f.Year) * 12 + l.Month - f.Month + 1 > MaxMonths)
            inputs.Fail("to", $"At most {MaxMonths} months can be asked for at once.");
        return inputs.IsValid ? new AnalyticsRange(first!.Value, last!.Value) : null;
    }

    /// <summary>Each currency's months in <paramref name="range"/>, oldest first; months after this one are left out.</summary>
    public static async Task<IReadOnlyList<AnalyticsMonth>> MonthsAsync(IGrainFactory grains, AnalyticsRange range, DateOnly thisMonth)
    {
        return range.UpTo(thisMonth) is { } shown ? await grains.GetGrain<IRevenueReportGrain>(0).Months(shown.From, shown.To) : [];
    }

    /// <summary>
    /// The same months recomputed from scratch: every movement the journal holds (<see cref="RevenueJournal"/>), read oldest first
    /// and summed, not the month grains' sums. Reads every movement ever recorded: for checking the month grains (the bench and
    /// the tests compare the two to the minor unit), never for a page view.
    /// </summary>
    public static async Task<IReadOnlyList<AnalyticsMonth>> RecomputeAsync(IJournalReader journal, AnalyticsRange range, DateOnly thisMonth,
        CancellationToken cancellationToken = default)
    {
        if (range.UpTo(thisMonth) is not { } shown) return [];
        var movements = new List<RevenueMovement>();
        var everyMovement = new JournalQuery(RevenueJournal.Stream) { OldestFirst = true };
        await foreach (var record in journal.ReadAllAsync(everyMovement, cancellationToken))
            movements.Add(RevenueJournal.Read(record.Payload));
        return RevenueTotals.Recompute(movements, shown.From, shown.To);
    }

    public static string Text(DateOnly month) => month.ToString(MonthFormat, CultureInfo.InvariantCulture);

    /// <summary>A month written "yyyy-MM" (its 1st), or null.</summary>
    public static DateOnly? Month(string value) =>
        value.Length == 7 && DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None,
            out var month) && month.Year >= 1970 ? month : null;

    /// <summary>The CSV columns: one row a month and currency, amounts in minor units, rates as fractions (empty when
    /// undefined); revenue by provider and by plan as one column each per key.</summary>
    public static string Csv(IReadOnlyList<AnalyticsMonth> months)
    {
        var providers = Keys(months, m => m.RevenueByProvider);
        var plans = Keys(months, m => m.RevenueByPlan);
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(',', ["month", "currency", "mrrMinor", "arrMinor", "newMrrMinor", "expansionMrrMinor",
            "contractionMrrMinor", "churnedMrrMinor", "payingTenants", "arpuMinor", "tenantsChurned", "logoChurn", "revenueChurn",
            "trialsStarted", "trialsEnded", "trialsConverted", "trialConversion", "revenueMinor",
            .. providers.Select(p => Quoted("revenueMinor:provider:" + p)), .. plans.Select(p => Quoted("revenueMinor:plan:" + p))]));
        foreach (var m in months)
        {
            IEnumerable<object?> cells =
            [
                Quoted(m.Month), Quoted(m.Currency), m.MrrMinor, m.ArrMinor, m.NewMrrMinor, m.ExpansionMrrMinor, m.ContractionMrrMinor,
                m.ChurnedMrrMinor, m.PayingTenants, m.ArpuMinor, m.TenantsChurned, m.LogoChurn, m.RevenueChurn, m.TrialsStarted,
                m.TrialsEnded, m.TrialsConverted, m.TrialConversion, m.RevenueMinor,
                .. providers.Select(p => (object)(m.RevenueByProvider?.GetValueOrDefault(p) ?? 0)),
                .. plans.Select(p => (object)(m.RevenueByPlan?.GetValueOrDefault(p) ?? 0)),
            ];
            csv.AppendLine(string.Join(',', cells.Select(c => Convert.ToString(c, CultureInfo.InvariantCulture))));
        }
        return csv.ToString();
    }

    /// <summary>The keys any month has, sorted: the columns of a breakdown.</summary>
    public static IReadOnlyList<string> Keys(
        IEnumerable<AnalyticsMonth> months, Func<AnalyticsMonth, IReadOnlyDictionary<string, long>?> of) =>
        [.. months.SelectMany(m => of(m)?.Keys ?? []).Distinct().Order(StringComparer.Ordinal)];

    // Month, currency, plan ids and provider names are slugs and codes; quoting keeps a spreadsheet from reading them as anything else.
    private static string Quoted(string text) => "\"" + text.Replace("\"", "\"\"") + "\"";
}

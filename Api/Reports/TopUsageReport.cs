using System.Globalization;
using System.Text;
using Tollgate.Api.Infrastructure;
using Tollgate.Grains.Analytics;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Identity;

namespace Tollgate.Api.Reports;

/// <summary>A tenant among a quota type's top users of a month.</summary>
public sealed record TopUsageTenant(int Rank, string TenantId, string TenantName, long Used, long Consumed, long Refunded);

/// <summary>A quota type's top users of a month, most used first; in the quota type's own unit.</summary>
public sealed record QuotaTypeTopUsage(string QuotaType, string Name, string Unit, IReadOnlyList<TopUsageTenant> Tenants);

/// <summary>
/// The top tenants by usage as the JSON route, the console's analytics page and its CSV read them: for each quota type of the
/// catalog, one call to its month's leaders (<see cref="ITopUsageGrain"/>) and one per tenant shown for its name, whatever the
/// number of tenants.
/// </summary>
public static class TopUsageReport
{
    /// <summary>How many tenants are shown per quota type.</summary>
    public const int Shown = 10;

    /// <summary>The month asked for ("yyyy-MM"; this month by default), or null with the reason in <paramref name="inputs"/>.</summary>
    public static DateOnly? Month(string? month, DateOnly thisMonth, Inputs inputs)
    {
        if (string.IsNullOrEmpty(month)) return thisMonth;
        if (RevenueAnalytics.Month(month) is { } parsed) return parsed;
        inputs.Fail("month", "month must be a month written yyyy-MM.");
        return null;
    }

    public static async Task<IReadOnlyList<QuotaTypeTopUsage>> ReadAsync(IGrainFactory grains, DateOnly month)
    {
        var catalog = await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).Get();
        var quotaTypes = catalog.QuotaTypes.OrderBy(q => q.Id, StringComparer.Ordinal).ToList();
        var leaders = await Task.WhenAll(quotaTypes.Select(q =>
            grains.GetGrain<ITopUsageGrain>(ITopUsageGrain.KeyOf(RevenueAnalytics.Text(month), q.Id)).Get(Shown)));
        var tenantIds = leaders.SelectMany(l => l.Tenants).Select(t => t.TenantId).Distinct(StringComparer.Ordinal).ToList();
        var tenants = await Task.WhenAll(tenantIds.Select(id => grains.GetGrain<ITenantGrain>(id).Get()));
        var names = tenantIds.Zip(tenants).ToDictionary(t => t.First, t => t.Second?.Name ?? t.First, StringComparer.Ordinal);
        return [.. quotaTypes.Zip(leaders, (q, top) => new QuotaTypeTopUsage(q.Id, q.Name, q.Unit,
            [.. top.Tenants.Select((t, i) => new TopUsageTenant(i + 1, t.TenantId, names[t.TenantId], t.Used, t.Consumed, t.Refunded))]))];
    }

    /// <summary>The CSV columns: one row a quota type and rank; text quoted (a tenant's name is what its owner typed).</summary>
    public static string Csv(string month, IReadOnlyList<QuotaTypeTopUsage> quotaTypes)
    {
        var csv = new StringBuilder();
        csv.AppendLine("month,quotaType,unit,rank,tenantId,tenantName,used,consumed,refunded");
        foreach (var quotaType in quotaTypes)
            foreach (var t in quotaType.Tenants)
            {
                IEnumerable<string> cells =
                [
                    JournalExport.Cell(month), JournalExport.Cell(quotaType.QuotaType), JournalExport.Cell(quotaType.Unit),
                    Number(t.Rank), JournalExport.Cell(t.TenantId), JournalExport.Cell(t.TenantName),
                    Number(t.Used), Number(t.Consumed), Number(t.Refunded),
                ];
                csv.AppendLine(string.Join(',', cells));
            }
        return csv.ToString();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}

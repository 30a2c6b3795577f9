using System.Globalization;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;
using Tollgate.Api.Pages;
using Tollgate.Api.Pages.Portal;
using Tollgate.Api.Reports;
using Tollgate.Grains.Quotas;

namespace Tollgate.Api;

public sealed record UsageTotal(string Period, string QuotaType, long Consumed, long Refunded, long Net);
public sealed record UsageReport(string GroupBy, IReadOnlyList<UsageTotal> Items);

/// <summary>Usage totals per day or month (see <see cref="UsageTotals"/>), or the usage records themselves as CSV.</summary>
public static class UsageApi
{
    private static readonly string[] Columns = ["id", "at", "quotaType", "kind", "amount", "actorType", "actorId", "idempotencyKey"];

    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/tenants/{tenantId}/usage", UsageAsync)
            .WithName("GetUsage").WithSummary("Report usage by day or month (JSON or CSV)")
            .WithTags("Usage").RequireAuthorization(AuthorizationPolicies.Caller)
            .ProducesCsv()
            .TakesQuery("from", "The first instant counted (ISO 8601); unset, from the beginning.", format: "date-time")
            .TakesQuery("to", "The instant counting stops, excluded (ISO 8601); unset, until now.", format: "date-time")
            .TakesQuery("quotaType", "Only this quota type (`{appId}/{key}`).")
            .TakesQuery("groupBy", "`day` (the default) or `month`.")
            .TakesQuery("format", "`json` (the default), or `csv` for the usage records themselves.")
            .AnswersProblem(StatusCodes.Status422UnprocessableEntity,
                "A total would pass the largest number it can hold (`total_overflow`); ask for a shorter range, by day, or per quota type.");
        // The usage page's download: the page cookie, and the page gate's check that the reader is in the tenant.
        app.MapGet(PortalPaths.TenantRoute + "/usage.csv", PageCsv)
            .ExcludeFromDescription().RequireAuthorization(AuthorizationPolicies.Page)
            .WithMetadata(new TenantPageAttribute(TenantPermission.Read));
        return app;
    }

    private static JournalExport.CsvResult PageCsv(
        string tenantId, string? by, UsageTotals usage, [FromKeyedServices(DomainClock.Key)] TimeProvider clock) =>
        Csv(usage, tenantId, UsageRange.For(by, clock.GetUtcNow()).From, null, null);

    private static async Task<Results<Ok<UsageReport>, JournalExport.CsvResult, ProblemHttpResult>> UsageAsync(
        string tenantId, HttpContext http, UsageTotals usage, TenantGuard guard)
    {
        // Members read it, and apps whose key may read quota (a platform key for any tenant).
        var (_, problem) = await guard.ActingForAsync(http.User, tenantId, TenantPermission.Read, ApiKeyScopes.QuotaRead);
        if (problem is not null) return problem;
        var query = http.Request.Query;
        var inputs = new Inputs();
        var from = inputs.Time("from", query["from"]);
        var to = inputs.Time("to", query["to"]);
        var quotaType = inputs.Text("quotaType", query["quotaType"], required: false, maxLength: 200);
        var groupBy = query["groupBy"].ToString() is { Length: > 0 } g ? g : "day";
        if (groupBy is not ("day" or "month")) inputs.Fail("groupBy", "groupBy must be day or month.");
        var format = query["format"].ToString();
        if (format is not ("" or "json" or "csv")) inputs.Fail("format", "Format must be json or csv.");
        if (from >= to) inputs.Fail("to", "to must be later than from.");
        if (!inputs.IsValid) return inputs.Problem();

        if (format == "csv") return Csv(usage, tenantId, from, to, quotaType);
        try
        {
            var totals = await TotalsAsync(usage, tenantId, from, to, quotaType, groupBy, http.RequestAborted);
            return TypedResults.Ok(new UsageReport(groupBy, totals));
        }
        catch (OverflowException)
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, "total_overflow", "Total out of range",
                $"A total in this report would pass {long.MaxValue}; ask for a shorter range, by day, or per quota type.");
        }
    }

    /// <summary>The usage records in range as CSV, newest first (the usage page's download too).</summary>
    internal static JournalExport.CsvResult Csv(
        UsageTotals usage, string tenantId, DateTimeOffset? from, DateTimeOffset? to, string? quotaType) =>
        JournalExport.Csv(cancellation => usage.RecordsAsync(tenantId, from, to, quotaType, cancellation), "usage.csv", Columns, record =>
        {
            var usage = UsageTotals.Parse(record);
            return [record.Sequence.ToString(CultureInfo.InvariantCulture), usage.At.ToString("O"), usage.QuotaType, usage.Kind,
                usage.Amount.ToString(CultureInfo.InvariantCulture), usage.Actor.Type, usage.Actor.Id, usage.IdempotencyKey];
        });

    /// <summary>
    /// Totals per period (<c>yyyy-MM-dd</c> by day, <c>yyyy-MM</c> by month) and quota type, in order (the usage page's numbers too);
    /// <see cref="OverflowException"/> when one passes <see cref="long.MaxValue"/>.
    /// </summary>
    internal static async Task<List<UsageTotal>> TotalsAsync(UsageTotals usage, string tenantId, DateTimeOffset? from, DateTimeOffset? to,
        string? quotaType, string groupBy, CancellationToken cancellationToken)
    {
        var periods = new SortedDictionary<(string Period, string QuotaType), (long Consumed, long Refunded)>();
        var format = groupBy == "day" ? "yyyy-MM-dd" : "yyyy-MM";
        foreach (var ((day, type), (consumed, refunded)) in await usage.ReadAsync(tenantId, from, to, quotaType, cancellationToken))
            UsageTotals.Add(periods, (day.ToString(format, CultureInfo.InvariantCulture), type), consumed, refunded);
        return [.. periods.Select(t =>
            new UsageTotal(t.Key.Period, t.Key.QuotaType, t.Value.Consumed, t.Value.Refunded, t.Value.Consumed - t.Value.Refunded))];
    }
}

using System.Text.Json;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;

namespace Tollgate.Api;

/// <summary>The audit log of one tenant (owners, admins) and of the whole platform (operators).</summary>
public static class AuditLogApi
{
    public static IEndpointRouteBuilder MapAuditLogApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/tenants/{tenantId}/audit-log", TenantLogAsync)
            .WithName("GetTenantAuditLog").WithSummary("Read a tenant's audit log (JSON or CSV)")
            .WithTags("Audit log")
            .RequireAuthorization(AuthorizationPolicies.Caller).RequireTenantPermission(TenantPermission.ReadAuditLog).ReadsLog();
        app.MapGroup("/v1/admin").RequireOperator().MapGet("/audit-log", PlatformLogAsync)
            .WithName("GetPlatformAuditLog").WithSummary("Read the audit log across tenants (operator)")
            .WithTags("Admin")
            .ReadsLog();
        return app;
    }

    /// <summary>A page of the log as JSON, or the whole range as CSV, and the query that picks it.</summary>
    private static RouteHandlerBuilder ReadsLog(this RouteHandlerBuilder endpoint) =>
        endpoint.TakesJournalQuery("action", "Only this action, such as `api_key.created`.", "record");

    internal static Task<Results<Ok<JournalPage>, JournalExport.CsvResult, ProblemHttpResult>> TenantLogAsync(
        string tenantId, HttpContext http, IJournalReader journal) => ReadAsync(http, journal, tenantId);

    private static Task<Results<Ok<JournalPage>, JournalExport.CsvResult, ProblemHttpResult>> PlatformLogAsync(
        HttpContext http, IJournalReader journal, string? tenantId) =>
        ReadAsync(http, journal, tenantId);

    private static async Task<Results<Ok<JournalPage>, JournalExport.CsvResult, ProblemHttpResult>> ReadAsync(
        HttpContext http, IJournalReader journal, string? scope)
    {
        var inputs = new Inputs();
        if (JournalPages.Read(inputs, http.Request.Query, Audit.Stream, scope, "action") is not ({ } journalQuery, var csv)) return inputs.Problem();
        if (csv) return JournalExport.Csv(cancellation => journal.ReadAllAsync(journalQuery, cancellation), "audit-log.csv", Columns, CsvRow);
        return TypedResults.Ok(await JournalPages.PageAsync(journal, journalQuery, http.RequestAborted));
    }

    private static readonly string[] Columns = ["id", "at", "tenantId", "actorType", "actorId", "action", "resourceType", "resourceId", "before", "after", "ip", "userAgent"];

    private static IEnumerable<string?> CsvRow(StoredJournalRecord record)
    {
        var item = JournalPages.Item(record);
        string? Text(string name) => item[name] is { } node ? node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString() : null;
        var actor = item["actor"];
        return
        [
            Text("id"), Text("at"), Text("tenantId"), actor?["type"]?.GetValue<string>(), actor?["id"]?.GetValue<string>(),
            Text("action"), Text("resourceType"), Text("resourceId"), Text("before"), Text("after"), Text("ip"), Text("userAgent"),
        ];
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;

namespace Tollgate.Api;

public sealed record AuditLogPage(IReadOnlyList<JsonObject> Items, string? NextCursor);

/// <summary>The audit log of one tenant (owners, admins) and of the whole platform (operators).</summary>
public static class AuditLogApi
{
    private const int MaxLimit = 500;

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
    private static RouteHandlerBuilder ReadsLog(this RouteHandlerBuilder endpoint) => endpoint
        .ProducesCsv()
        .TakesQuery("from", "The first instant listed (ISO 8601).", format: "date-time")
        .TakesQuery("to", "The instant listing stops, excluded (ISO 8601).", format: "date-time")
        .TakesQuery("action", "Only this action, such as `api_key.created`.")
        .TakesQuery("cursor", "The `nextCursor` of the previous page.")
        .TakesQuery("limit", $"Records per page, 1 to {MaxLimit} (50 by default).", JsonSchemaType.Integer)
        .TakesQuery("format", "`json` (the default), or `csv` for every record in the range.");

    private static Task<Results<Ok<AuditLogPage>, JournalExport.CsvResult, ProblemHttpResult>> TenantLogAsync(
        string tenantId, HttpContext http, IJournalReader journal) => ReadAsync(http, journal, tenantId);

    private static Task<Results<Ok<AuditLogPage>, JournalExport.CsvResult, ProblemHttpResult>> PlatformLogAsync(
        HttpContext http, IJournalReader journal, string? tenantId) =>
        ReadAsync(http, journal, tenantId);

    private static async Task<Results<Ok<AuditLogPage>, JournalExport.CsvResult, ProblemHttpResult>> ReadAsync(
        HttpContext http, IJournalReader journal, string? scope)
    {
        var query = http.Request.Query;
        var inputs = new Inputs();
        var from = inputs.Time("from", query["from"]);
        var to = inputs.Time("to", query["to"]);
        var action = inputs.Text("action", query["action"], required: false);
        long? cursor = null;
        if (query["cursor"].ToString() is { Length: > 0 } rawCursor)
        {
            if (long.TryParse(rawCursor, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0) cursor = parsed;
            else inputs.Fail("cursor", "Cursor is not one this API returned.");
        }
        var limit = 50;
        if (query["limit"].ToString() is { Length: > 0 } rawLimit && (!int.TryParse(rawLimit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            inputs.Fail("limit", $"Limit must be a whole number from 1 to {MaxLimit}.");
        var format = query["format"].ToString();
        if (format is not ("" or "json" or "csv")) inputs.Fail("format", "Format must be json or csv.");
        if (!inputs.IsValid) return inputs.Problem();

        var journalQuery = new JournalQuery(Audit.Stream) { Scope = scope, Name = action, From = from, To = to, Before = cursor, Limit = limit };
        if (format == "csv") return JournalExport.Csv(cancellation => journal.ReadAllAsync(journalQuery, cancellation), "audit-log.csv", Columns, CsvRow);

        var records = await journal.ReadAsync(journalQuery, http.RequestAborted);
        var next = records.Count == limit ? records[^1].Sequence.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new AuditLogPage(records.Select(Item).ToList(), next));
    }

    private static readonly string[] Columns = ["id", "at", "tenantId", "actorType", "actorId", "action", "resourceType", "resourceId", "before", "after", "ip", "userAgent"];

    private static IEnumerable<string?> CsvRow(StoredJournalRecord record)
    {
        var item = Item(record);
        string? Text(string name) => item[name] is { } node ? node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString() : null;
        var actor = item["actor"];
        return
        [
            Text("id"), Text("at"), Text("tenantId"), actor?["type"]?.GetValue<string>(), actor?["id"]?.GetValue<string>(),
            Text("action"), Text("resourceType"), Text("resourceId"), Text("before"), Text("after"), Text("ip"), Text("userAgent"),
        ];
    }

    private static JsonObject Item(StoredJournalRecord record)
    {
        var item = new JsonObject { ["id"] = record.Sequence.ToString(CultureInfo.InvariantCulture) };
        foreach (var (key, value) in JsonNode.Parse(record.Payload)!.AsObject().ToList()) item[key] = value?.DeepClone();
        return item;
    }
}

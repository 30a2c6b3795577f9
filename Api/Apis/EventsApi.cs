using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;
using Tollgate.Grains.Events;
using Tollgate.Storage.Events;

namespace Tollgate.Api;

public sealed record EventPage(IReadOnlyList<JsonObject> Items, string? NextCursor);

/// <summary>A tenant's event log (owners and admins): every event, as its webhook endpoints get it, newest first.</summary>
public static class EventsApi
{
    private const int MaxLimit = 100;

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/tenants/{tenantId}/events", ListAsync)
            .WithName("ListTenantEvents").WithSummary("Read a tenant's event log, newest first").WithTags("Webhooks")
            .RequireAuthorization(AuthorizationPolicies.Caller).RequireTenantPermission(TenantPermission.ReadAuditLog)
            .TakesQuery("type", "Only events of this type, such as `subscription.created`.")
            .TakesQuery("cursor", "The `nextCursor` of the previous page.")
            .TakesQuery("limit", $"Events per page, 1 to {MaxLimit} (50 by default).", JsonSchemaType.Integer);
        return app;
    }

    private static async Task<Results<Ok<EventPage>, ProblemHttpResult>> ListAsync(string tenantId, HttpContext http,
        IJournalReader journal)
    {
        var query = http.Request.Query;
        var inputs = new Inputs();
        var type = query["type"].ToString() is { Length: > 0 } named ? named : null;
        if (type is not null && !TenantEventTypes.All.Contains(type))
            inputs.Fail("type", $"Unknown event type '{type}'; known types are {string.Join(", ", TenantEventTypes.All)}.");
        var cursor = WebhookEndpointsApi.Cursor(inputs, query["cursor"]);
        var limit = WebhookEndpointsApi.Limit(inputs, query["limit"], 50, MaxLimit);
        if (!inputs.IsValid) return inputs.Problem();

        var records = await journal.ReadAsync(
            new JournalQuery(TenantEventRecords.Stream) { Scope = tenantId, Name = type, Before = cursor, Limit = limit },
                http.RequestAborted);
        var next = records.Count == limit ? records[^1].Sequence.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new EventPage(records.Select(r => JsonNode.Parse(r.Payload)!.AsObject()).ToList(), next));
    }
}

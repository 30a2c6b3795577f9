using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;
using Tollgate.Api.Webhooks;
using Tollgate.Grains.Events;
using Tollgate.Grains.Webhooks;
using Tollgate.Storage.Webhooks;

namespace Tollgate.Api;

public sealed record CreateWebhookEndpointRequest(string? Url, List<string>? EventTypes, string? Description);
public sealed record UpdateWebhookEndpointRequest(string? Url, List<string>? EventTypes, string? Description, bool? Enabled);
public sealed record WebhookEndpointResponse(
    string Id, string Url, IReadOnlyList<string> EventTypes, string? Description, bool Enabled, string? DisabledReason,
    DateTimeOffset? FailingSince, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
public sealed record WebhookEndpointWithSecretResponse(
    string Id, string Url, IReadOnlyList<string> EventTypes, string? Description, bool Enabled, string? DisabledReason,
    DateTimeOffset? FailingSince, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string Secret);
public sealed record WebhookAttemptResponse(DateTimeOffset At, int? StatusCode, string? Error, long DurationMs, bool Manual);
public sealed record WebhookDeliveryResponse(
    string Id, string EventId, string EventType, string Status, DateTimeOffset CreatedAt, int Attempts, DateTimeOffset? NextAttemptAt,
    DateTimeOffset? CompletedAt, IReadOnlyList<WebhookAttemptResponse> Log);
public sealed record WebhookDeliveryPage(IReadOnlyList<WebhookDeliveryResponse> Items, string? NextCursor);

/// <summary>A tenant's webhook endpoints (owners and admins), their delivery logs and redelivery.</summary>
public static class WebhookEndpointsApi
{
    private const int MaxLimit = 100;
    private const int MaxUrlLength = 2048;

    public static IEndpointRouteBuilder MapWebhookEndpointsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/tenants/{tenantId}/webhook-endpoints").WithTags("Webhooks")
            .RequireAuthorization(AuthorizationPolicies.Caller).RequireTenantPermission(TenantPermission.ManageSettings);
        api.MapPost("/", CreateAsync)
            .WithName("CreateWebhookEndpoint").WithSummary("Register a webhook endpoint (its signing secret is shown once)")
            .AnswersProblem(StatusCodes.Status409Conflict,
                $"The tenant has {IWebhookEndpointsGrain.MaxEndpoints} endpoints already (`too_many_endpoints`).");
        api.MapGet("/", ListAsync).WithName("ListWebhookEndpoints").WithSummary("List a tenant's webhook endpoints");
        api.MapGet("/{endpointId}", GetAsync).WithName("GetWebhookEndpoint").WithSummary("Read a webhook endpoint");
        api.MapPatch("/{endpointId}", UpdateAsync)
            .WithName("UpdateWebhookEndpoint").WithSummary("Change a webhook endpoint; `enabled: true` enables it again");
        api.MapDelete("/{endpointId}", DeleteAsync).WithName("DeleteWebhookEndpoint").WithSummary("Delete a webhook endpoint");
        api.MapPost("/{endpointId}/rotate-secret", RotateSecretAsync)
            .WithName("RotateWebhookEndpointSecret").WithSummary("Replace an endpoint's signing secret (the new one is shown once)");
        api.MapGet("/{endpointId}/deliveries", DeliveriesAsync)
            .WithName("ListWebhookDeliveries").WithSummary("An endpoint's deliveries, newest first, each with its attempts")
            .TakesQuery("cursor", "The `nextCursor` of the previous page.")
            .TakesQuery("limit", $"Deliveries per page, 1 to {MaxLimit} (20 by default).", JsonSchemaType.Integer);
        api.MapPost("/{endpointId}/deliveries/{deliveryId}/redeliver", RedeliverAsync)
            .WithName("RedeliverWebhook").WithSummary("Attempt a delivery again now, with the same event id")
            .AnswersProblem(StatusCodes.Status409Conflict, "An attempt at this delivery is under way (`delivery_in_progress`).");
        return app;
    }

    private static async Task<Results<Created<WebhookEndpointWithSecretResponse>, ProblemHttpResult>> CreateAsync(
        string tenantId, CreateWebhookEndpointRequest request, HttpContext http, IGrainFactory grains, IOptions<WebhookOptions> options)
    {
        var inputs = new Inputs();
        var url = Url(inputs, request.Url, required: true, options.Value);
        var eventTypes = EventTypes(inputs, request.EventTypes, required: true);
        var description = inputs.Text("description", request.Description, required: false, maxLength: 200);
        if (!inputs.IsValid) return inputs.Problem();
        var created = await grains.GetGrain<IWebhookEndpointsGrain>(tenantId)
            .Create(new WebhookEndpointSpec(url!, eventTypes!, description), http.Actor());
        if (created is null)
            return Problems.Conflict("too_many_endpoints",
                $"A tenant may have at most {IWebhookEndpointsGrain.MaxEndpoints} webhook endpoints.");
        return TypedResults.Created($"/v1/tenants/{tenantId}/webhook-endpoints/{created.Info.Id}", WithSecret(created));
    }

    private static async Task<Ok<List<WebhookEndpointResponse>>> ListAsync(string tenantId, IGrainFactory grains) =>
        TypedResults.Ok((await grains.GetGrain<IWebhookEndpointsGrain>(tenantId).List()).Select(ToResponse).ToList());

    private static async Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> GetAsync(string tenantId,
        string endpointId, IGrainFactory grains) =>
        await grains.GetGrain<IWebhookEndpointsGrain>(tenantId).Get(endpointId) is { } endpoint
            ? TypedResults.Ok(ToResponse(endpoint))
            : Problems.NotFound("The webhook endpoint");

    private static async Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> UpdateAsync(
        string tenantId, string endpointId, UpdateWebhookEndpointRequest request, HttpContext http, IGrainFactory grains,
        IOptions<WebhookOptions> options)
    {
        var inputs = new Inputs();
        var url = Url(inputs, request.Url, required: false, options.Value);
        var eventTypes = EventTypes(inputs, request.EventTypes, required: false);
        var description = inputs.Text("description", request.Description, required: false, maxLength: 200);
        if (!inputs.IsValid) return inputs.Problem();
        var updated = await grains.GetGrain<IWebhookEndpointsGrain>(tenantId)
            .Update(endpointId, new WebhookEndpointUpdate(url, eventTypes, description, request.Enabled), http.Actor());
        return updated is null ? Problems.NotFound("The webhook endpoint") : TypedResults.Ok(ToResponse(updated));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string tenantId, string endpointId,
        HttpContext http, IGrainFactory grains) =>
        await grains.GetGrain<IWebhookEndpointsGrain>(tenantId).Delete(endpointId, http.Actor())
            ? TypedResults.NoContent()
            : Problems.NotFound("The webhook endpoint");

    private static async Task<Results<Ok<WebhookEndpointWithSecretResponse>, ProblemHttpResult>> RotateSecretAsync(
        string tenantId, string endpointId, HttpContext http, IGrainFactory grains) =>
        await grains.GetGrain<IWebhookEndpointsGrain>(tenantId).RotateSecret(endpointId, http.Actor()) is { } rotated
            ? TypedResults.Ok(WithSecret(rotated))
            : Problems.NotFound("The webhook endpoint");

    private static async Task<Results<Ok<WebhookDeliveryPage>, ProblemHttpResult>> DeliveriesAsync(
        string tenantId, string endpointId, HttpContext http, IGrainFactory grains, WebhookStore store)
    {
        var query = http.Request.Query;
        var inputs = new Inputs();
        var cursor = Cursor(inputs, query["cursor"]);
        var limit = Limit(inputs, query["limit"], 20, MaxLimit);
        if (!inputs.IsValid) return inputs.Problem();
        if (await grains.GetGrain<IWebhookEndpointsGrain>(tenantId).Get(endpointId) is null)
            return Problems.NotFound("The webhook endpoint");
        var deliveries = await store.ListAsync(tenantId, endpointId, cursor, limit, http.RequestAborted);
        var next = deliveries.Count == limit ? deliveries[^1].Sequence.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new WebhookDeliveryPage(deliveries.Select(ToResponse).ToList(), next));
    }

    private static async Task<Results<Ok<WebhookDeliveryResponse>, ProblemHttpResult>> RedeliverAsync(
        string tenantId, string endpointId, string deliveryId, HttpContext http, IGrainFactory grains, WebhookDispatcher dispatcher)
    {
        var endpoints = grains.GetGrain<IWebhookEndpointsGrain>(tenantId);
        var target = (await endpoints.GetTargets()).FirstOrDefault(t => t.Id == endpointId);
        if (target is null) return Problems.NotFound("The webhook endpoint");
        var (delivery, busy) = await dispatcher.RedeliverAsync(tenantId, target, deliveryId, http.Actor(), http.RequestAborted);
        if (busy) return Problems.Conflict("delivery_in_progress",
            "An attempt at this delivery is under way; look at its log in a moment.");
        return delivery is null ? Problems.NotFound("The delivery") : TypedResults.Ok(ToResponse(delivery));
    }

    /// <summary>
    /// An endpoint's address: absolute https without credentials or fragment; plain http only to this machine, and only when
    /// <see cref="WebhookOptions.AllowLoopbackHttp"/> says so.
    /// </summary>
    private static string? Url(Inputs inputs, string? value, bool required, WebhookOptions options)
    {
        if (value is null)
        {
            if (required) inputs.Fail("url", "Url is required.");
            return null;
        }
        if (value.Length > MaxUrlLength || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0 || uri.Host.Length == 0)
        {
            inputs.Fail("url",
                $"Url must be an absolute https URL without credentials or fragment, at most {MaxUrlLength} characters long.");
            return null;
        }
        if (uri.Scheme == "http" && !(options.AllowLoopbackHttp && IsLoopback(uri)))
        {
            inputs.Fail("url", options.AllowLoopbackHttp ? "Url must be https, or http to localhost, 127.0.0.1 or [::1]."
                : "Url must be https.");
            return null;
        }
        return uri.AbsoluteUri;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.Host == "localhost" || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static List<string>? EventTypes(Inputs inputs, List<string>? value, bool required)
    {
        if (value is null)
        {
            if (required) inputs.Fail("eventTypes", "EventTypes is required: the event types to deliver, or [\"*\"] for all.");
            return null;
        }
        if (value.Count == 0) inputs.Fail("eventTypes", "Name at least one event type, or \"*\" for all.");
        else if (value.FirstOrDefault(t => t != WebhookSecrets.AllEvents && !TenantEventTypes.All.Contains(t)) is { } unknown)
            inputs.Fail("eventTypes",
                $"Unknown event type '{unknown}'; known types are {string.Join(", ", TenantEventTypes.All)}, or \"*\" for all.");
        else return value.Distinct().ToList();
        return null;
    }

    internal static long? Cursor(Inputs inputs, string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0) return parsed;
        inputs.Fail("cursor", "Cursor is not one this API returned.");
        return null;
    }

    internal static int Limit(Inputs inputs, string? value, int defaultLimit, int maxLimit)
    {
        if (string.IsNullOrEmpty(value)) return defaultLimit;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1
            && limit <= maxLimit) return limit;
        inputs.Fail("limit", $"Limit must be a whole number from 1 to {maxLimit}.");
        return defaultLimit;
    }

    private static WebhookEndpointResponse ToResponse(WebhookEndpointInfo e) =>
        new(e.Id, e.Url, e.EventTypes, e.Description, e.Enabled, e.DisabledReason, e.FailingSince, e.CreatedAt, e.UpdatedAt);

    private static WebhookEndpointWithSecretResponse WithSecret(CreatedWebhookEndpoint created)
    {
        var e = created.Info;
        return new(e.Id, e.Url, e.EventTypes, e.Description, e.Enabled, e.DisabledReason, e.FailingSince, e.CreatedAt,
            e.UpdatedAt, created.Secret);
    }

    private static WebhookDeliveryResponse ToResponse(StoredDelivery d) =>
        new(d.Id, d.EventId, d.EventType, d.Status, d.CreatedAt, d.Attempts, d.NextAttemptAt, d.CompletedAt,
            d.Log.Select(a => new WebhookAttemptResponse(a.At, a.StatusCode, a.Error, a.DurationMs, a.Manual)).ToList());
}

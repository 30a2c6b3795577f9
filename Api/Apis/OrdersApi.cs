using System.Text.Json;
using Microsoft.Extensions.Options;
using QRCoder;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;
using Tollgate.Api.Payments.Orders;
using Tollgate.Grains;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Orders;

namespace Tollgate.Api;

/// <param name="Provider">"alipay" or "wechatpay".</param>
/// <param name="Periods">Plans only: 1 to 36 periods of the plan's interval (default 1).</param>
/// <param name="Channel">Alipay only: "pc" (the default) or "h5".</param>
public sealed record CreateOrderRequest(string? Provider, string? PlanId, string? PackId, int? Periods, string? Channel);

public sealed record OrderRefundResponse(
    string Id, long AmountMinor, string Reason, string Status, string? ProviderRefundId, DateTimeOffset RequestedAt,
    DateTimeOffset? CompletedAt, string? FailureReason);

/// <param name="PayUrl">Alipay: where to send the customer's browser.</param>
/// <param name="CodeUrl">WeChat Pay: what to show as a QR code (or use <c>qr.svg</c>).</param>
/// <param name="RefundDue">Paid after the order closed, or paid for what could not be applied: to be refunded by the operator.</param>
public sealed record OrderResponse(
    string Id, string Provider, string? PlanId, int? Periods, string? PackId, long? Credits, long AmountMinor, string Currency,
    string Status, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string? PayUrl, string? CodeUrl, string? ProviderTradeNo,
    DateTimeOffset? PaidAt, DateTimeOffset? ClosedAt, bool Fulfilled, bool RefundDue, long RefundedMinor,
    List<OrderRefundResponse> Refunds)
{
    public static OrderResponse Of(OrderInfo order) => new(
        order.Id, order.Provider, order.Item.PlanId, order.Item.IsPlan ? order.Item.Periods : null, order.Item.PackId, order.Credits,
        order.AmountMinor, order.Currency, WireNames.Of(order.Status), order.CreatedAt, order.ExpiresAt, order.PayUrl, order.CodeUrl,
        order.ProviderTradeNo, order.PaidAt, order.ClosedAt, order.Fulfilled, order.RefundDue, order.RefundedMinor,
        [.. order.Refunds.Select(r => new OrderRefundResponse(r.Id, r.AmountMinor, r.Reason, r.Status, r.ProviderRefundId, r.RequestedAt,
            r.CompletedAt, r.FailureReason))]);
}

/// <summary>
/// Orders paid with Alipay or WeChat Pay: one-time payments for prepaid periods of a plan or for a credit pack. An order's id comes
/// from the request's Idempotency-Key, so a retry reaches the same order, whose grain replays it or refuses another request.
/// </summary>
public static class OrdersApi
{
    public const int MaxPeriods = 36;

    // A tenant's order list: its most recent orders.
    private const int MaxListed = 200;

    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/tenants/{tenantId}/orders").WithTags("Orders").RequireAuthorization(AuthorizationPolicies.Caller)
            .RequireTenantPermission(TenantPermission.ManageBilling);
        api.MapPost("", CreateAsync)
            .WithName("CreateOrder").WithSummary("Order prepaid plan periods or a credit pack, paid with Alipay or WeChat Pay")
            .TakesIdempotencyKey(StatusCodes.Status201Created).CallsPaymentProvider()
            .AnswersProblem(StatusCodes.Status404NotFound, "The tenant, plan or credit pack is not there (`not_found`).")
            .AnswersProblem(StatusCodes.Status409Conflict,
                "The tenant pays for its plan through Stripe (`already_subscribed`): cancel that subscription before prepaying periods.")
            .AnswersProblem(StatusCodes.Status422UnprocessableEntity,
                "The plan or pack has no price in cny (`no_cny_price`), or the Idempotency-Key was used with a different request "
                + "(`idempotency_key_reused`).");
        api.MapGet("", ListAsync)
            .WithName("ListOrders").WithSummary("List a tenant's orders, newest first");
        api.MapGet("/{orderId}", GetAsync)
            .WithName("GetOrder").WithSummary("Read an order; a pending one asks its provider (at most every 5 seconds)")
            .AnswersProblem(StatusCodes.Status404NotFound, "The tenant has no such order (`not_found`).");
        api.MapGet("/{orderId}/qr.svg", QrCodeAsync)
            .WithName("GetOrderQrCode").WithSummary("A WeChat Pay order's code URL as a QR code (SVG)")
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml")
            .AnswersProblem(StatusCodes.Status404NotFound,
                "The tenant has no such order, or it has no code URL (`not_found`): Alipay orders have a payUrl.");
        app.MapGroup("/v1/admin/orders").WithTags("Orders").RequireOperator()
            .MapPost("/{orderId}/refund", RefundAsync)
            .WithName("RefundOrder").WithSummary("Refund part or all of a paid order (operator)")
            .TakesIdempotencyKey(StatusCodes.Status200OK).CallsPaymentProvider()
            .AnswersProblem(StatusCodes.Status404NotFound, "There is no such order (`not_found`).")
            .AnswersProblem(StatusCodes.Status409Conflict,
                "Nothing is paid (`order_not_paid`), or the amount is more than is paid and not yet refunded (`refund_exceeds_paid`).");
        return app;
    }

    private static Task<Results<Created<OrderResponse>, ProblemHttpResult>> CreateAsync(
        string tenantId, CreateOrderRequest request, HttpContext http, IGrainFactory grains, OrderPaymentProviders providers,
        IOptions<PaymentsOptions> options) =>
        CreateOrderAsync(tenantId, request, http.Request.Headers[QuotaApi.IdempotencyHeader], http, grains, providers, options);

    /// <param name="idempotencyKey">The request's Idempotency-Key: the header, or a page's form field.</param>
    internal static async Task<Results<Created<OrderResponse>, ProblemHttpResult>> CreateOrderAsync(
        string tenantId, CreateOrderRequest request, Microsoft.Extensions.Primitives.StringValues idempotencyKey, HttpContext http,
        IGrainFactory grains, OrderPaymentProviders providers, IOptions<PaymentsOptions> options)
    {
        var inputs = new Inputs();
        var provider = request.Provider is { } name ? providers.Find(name) : null;
        if (provider is null) inputs.Fail("provider", "provider must be \"alipay\" or \"wechatpay\".");
        if ((request.PlanId is null) == (request.PackId is null)) inputs.Fail("planId", "Name a planId or a packId (one of the two).");
        if (request.PlanId is not null && request.Periods is not (null or (>= 1 and <= MaxPeriods)))
            inputs.Fail("periods", $"periods must be from 1 to {MaxPeriods}.");
        if (request.PackId is not null && request.Periods is not null) inputs.Fail("periods", "periods is for plans only.");
        if (request.Channel is not (null or "pc" or "h5")) inputs.Fail("channel", "channel must be \"pc\" or \"h5\".");
        else if (request.Channel is not null && provider?.Name == "wechatpay") inputs.Fail("channel", "channel is for Alipay only.");
        var key = inputs.IdempotencyKey(QuotaApi.IdempotencyHeader, idempotencyKey);
        if (key is null && inputs.IsValid) inputs.Fail(QuotaApi.IdempotencyHeader, "An Idempotency-Key header is required.");
        if (!inputs.IsValid) return inputs.Problem();
        if (NotConfigured(http, provider!, options.Value) is { } unconfigured) return unconfigured;

        var channel = provider!.Name == "alipay" ? request.Channel ?? "pc" : null;
        var item = new OrderItem(request.PlanId, request.PlanId is null ? 0 : request.Periods ?? 1, request.PackId);
        var fingerprint = JsonSerializer.Serialize(new CreateOrderRequest(provider.Name, item.PlanId, item.PackId,
            item.IsPlan ? item.Periods : null, channel));
        var order = new NewOrder(tenantId, provider.Name, item, channel, options.Value.OrderTtl, fingerprint);
        var result = await grains.GetGrain<IOrderGrain>(OrderIds.Order(tenantId, key!)).Create(order, http.Actor());
        if (result.Outcome != OrderOutcome.Ok) return Problem(http, result);
        if (result.Replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Created($"/v1/tenants/{tenantId}/orders/{result.Order!.Id}", OrderResponse.Of(result.Order));
    }

    private static async Task<Ok<List<OrderResponse>>> ListAsync(string tenantId, IJournalReader journal, HttpContext http)
    {
        var records = await journal.ReadAsync(new JournalQuery(OrdersJournal.Stream) { Scope = tenantId, Limit = 10_000 },
            http.RequestAborted);
        // Newest record first: each order as its last change left it.
        var orders = records.DistinctBy(r => r.Name).Take(MaxListed)
            .Select(r => JsonSerializer.Deserialize<OrderInfo>(r.Payload, BillingJournal.Json)!)
            .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id, StringComparer.Ordinal);
        return TypedResults.Ok(orders.Select(OrderResponse.Of).ToList());
    }

    internal static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetAsync(
        string tenantId, string orderId, IGrainFactory grains)
    {
        if (!OrderIds.IsOrderId(orderId) || await grains.GetGrain<IOrderGrain>(orderId).Poll(tenantId) is not { } order)
            return Problems.NotFound($"Order '{orderId}'");
        return TypedResults.Ok(OrderResponse.Of(order));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> QrCodeAsync(
        string tenantId, string orderId, IGrainFactory grains)
    {
        if (!OrderIds.IsOrderId(orderId) || await grains.GetGrain<IOrderGrain>(orderId).Get(tenantId) is not { } order)
            return Problems.NotFound($"Order '{orderId}'");
        if (order.CodeUrl is not { } codeUrl) return Problems.NotFound($"A QR code for order '{orderId}'");
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(codeUrl, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(8);
        return TypedResults.Content(svg, "image/svg+xml");
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> RefundAsync(
        string orderId, RefundOrderRequest request, HttpContext http, IGrainFactory grains, OrderPaymentProviders providers,
        IOptions<PaymentsOptions> options)
    {
        var inputs = new Inputs();
        if (request.AmountMinor is <= 0)
            inputs.Fail("amountMinor", "amountMinor must be a whole number of fen above 0, or left out to refund all.");
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 80 || Inputs.HasForbiddenCharacters(request.Reason))
            inputs.Fail("reason", "reason is required: at most 80 printable characters (the providers show it).");
        var key = inputs.IdempotencyKey(QuotaApi.IdempotencyHeader, http.Request.Headers[QuotaApi.IdempotencyHeader]);
        if (key is null && inputs.IsValid) inputs.Fail(QuotaApi.IdempotencyHeader, "An Idempotency-Key header is required.");
        if (!inputs.IsValid) return inputs.Problem();
        var grain = grains.GetGrain<IOrderGrain>(orderId);
        if (!OrderIds.IsOrderId(orderId) || await grain.Get(null) is not { } order) return Problems.NotFound($"Order '{orderId}'");
        if (NotConfigured(http, providers.Find(order.Provider)!, options.Value) is { } unconfigured) return unconfigured;
        var result = await grain.Refund(new OrderRefundOrder(OrderIds.Refund(orderId, key!), request.AmountMinor, request.Reason!.Trim()),
            http.Actor());
        if (result.Outcome != OrderOutcome.Ok) return Problem(http, result);
        if (result.Replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Ok(OrderResponse.Of(result.Order!));
    }

    /// <summary>503 naming the provider when its keys, or the notify URLs' base, are not configured.</summary>
    internal static ProblemHttpResult? NotConfigured(HttpContext http, IOrderPaymentProvider provider, PaymentsOptions? options)
    {
        var missing = !provider.IsConfigured ? $"{provider.Name} is not configured: set its keys."
            : options is { PublicBaseUrl: null } ? "Payments:PublicBaseUrl is not set: the providers' notify URLs are built from it."
            : null;
        if (missing is null) return null;
        http.Response.Headers.RetryAfter = "30";
        return Problems.Create(StatusCodes.Status503ServiceUnavailable, "payments_not_configured",
            "Payments are not configured", missing, new Dictionary<string, object?> { ["provider"] = provider.Name });
    }

    private static ProblemHttpResult Problem(HttpContext http, OrderResult result)
    {
        switch (result.Outcome)
        {
            case OrderOutcome.NotFound: return Problems.NotFound(result.Detail!);
            case OrderOutcome.KeyReused: return Problems.IdempotencyKeyReused();
            case OrderOutcome.NoCnyPrice:
                return Problems.Create(StatusCodes.Status422UnprocessableEntity, "no_cny_price", "No price in cny", result.Detail);
            case OrderOutcome.AlreadySubscribed: return Problems.Conflict("already_subscribed", result.Detail!);
            case OrderOutcome.NotPaid: return Problems.Conflict("order_not_paid", result.Detail!);
            case OrderOutcome.RefundExceedsPaid: return Problems.Conflict("refund_exceeds_paid", result.Detail!);
            case OrderOutcome.ProviderUnavailable:
                http.Response.Headers.RetryAfter = "30";
                return Problems.Create(StatusCodes.Status503ServiceUnavailable, "payment_provider_unavailable",
                    "The payment provider is unavailable", result.Detail,
                    new Dictionary<string, object?> { ["providerCode"] = result.ProviderCode });
            default:
                return Problems.Create(StatusCodes.Status502BadGateway, "payment_provider_error",
                    "The payment provider refused the request", result.Detail,
                    new Dictionary<string, object?> { ["providerCode"] = result.ProviderCode });
        }
    }
}

/// <param name="AmountMinor">In fen; left out to refund all that is paid and not yet refunded.</param>
public sealed record RefundOrderRequest(long? AmountMinor, string? Reason);

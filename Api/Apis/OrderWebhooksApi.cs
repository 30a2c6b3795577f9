using Microsoft.Extensions.Logging;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;
using Tollgate.Api.Payments.Orders;
using Tollgate.Api.Payments.WeChatPay;
using Tollgate.Grains.Orders;

namespace Tollgate.Api;

/// <summary>
/// Alipay's and WeChat Pay's notifications. The provider reads and verifies one (signature, freshness, its merchant); the order's
/// grain applies it once and answers only after the change is stored, and the provider answers as it expects: success (Alipay's
/// text, WeChat Pay's 204) once applied or applied before, failure so that it sends it again otherwise. A refused notification
/// changes nothing and is audited (<c>payment.notification_refused</c>): in the order's tenant's log when the order is Tollgate's,
/// in the platform's otherwise.
/// </summary>
public static class OrderWebhooksApi
{
    public static IEndpointRouteBuilder MapOrderWebhooksApi(this IEndpointRouteBuilder app)
    {
        Map(app, "alipay").WithName("ReceiveAlipayNotification").WithSummary("Receive an Alipay notification (form-encoded, signed)")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        var wechat = Map(app, "wechatpay").WithName("ReceiveWeChatPayNotification")
            .WithSummary("Receive a WeChat Pay notification (signed, its resource encrypted)")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<WeChatPayError>(StatusCodes.Status400BadRequest, "application/json") // refused: not to be sent again
            .Produces<WeChatPayError>(StatusCodes.Status500InternalServerError, "application/json"); // not applied yet: to be sent again
        foreach (var header in ContractHeaders.WeChatPayNotification) wechat.WithMetadata(new OperationContract.RequestHeader(header));
        return app;
    }

    private static RouteHandlerBuilder Map(IEndpointRouteBuilder app, string provider) =>
        app.MapPost($"/v1/webhooks/{provider}",
                (HttpContext http, OrderPaymentProviders providers, IGrainFactory grains, ILoggerFactory loggers) =>
                    ReceiveAsync(provider, http, providers, grains, loggers))
            .WithTags("Webhooks").AllowAnonymous()
            .AnswersProblem(StatusCodes.Status503ServiceUnavailable,
                $"{provider} is not configured (`payments_not_configured`), or a silo is unavailable (`unavailable`).");

    private static async Task<IResult> ReceiveAsync(
        string name, HttpContext http, OrderPaymentProviders providers, IGrainFactory grains, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(OrderWebhooksApi));
        var provider = providers.Find(name)!;
        if (OrdersApi.NotConfigured(http, provider, options: null) is { } unconfigured) return unconfigured;

        var actor = http.WebhookActor(name);
        var verdict = await provider.ReadNotificationAsync(http.Request, http.RequestAborted);
        if (verdict.Notification is not { } notification)
        {
            logger.LogWarning("{Provider} notification refused: {Reason} {Detail}", name, verdict.Refusal, verdict.RefusalDetail);
            await grains.GetGrain<INotificationRefusalsGrain>(name).Refuse(null, verdict.Refusal ?? "refused",
                verdict.RefusalDetail, actor);
            return provider.AnswerNotification(OrderNotificationAnswer.Refused);
        }

        var notice = new OrderNotice(name, notification.Kind switch
        {
            OrderNotificationKind.Paid => OrderNoticeKind.Paid,
            OrderNotificationKind.Closed => OrderNoticeKind.Closed,
            OrderNotificationKind.Refunded => OrderNoticeKind.Refunded,
            _ => OrderNoticeKind.RefundFailed,
        }, notification.ProviderTradeNo, notification.AmountMinor, notification.Currency, notification.OccurredAt,
            notification.RefundId);
        try
        {
            var result = OrderIds.IsOrderId(notification.OrderId)
                ? await grains.GetGrain<IOrderGrain>(notification.OrderId).Notify(notice, actor)
                : new NoticeResult(NoticeOutcome.Refused, "unknown_order");
            if (result.Refusal == "unknown_order")
                await grains.GetGrain<INotificationRefusalsGrain>(name).Refuse(notification.OrderId, "unknown_order",
                    $"No order '{notification.OrderId}' of {name}.", actor);
            if (result.Outcome == NoticeOutcome.Refused)
                logger.LogWarning("{Provider} notification for order {OrderId} refused: {Reason}",
                    name, notification.OrderId, result.Refusal);
            return provider.AnswerNotification(result.Outcome switch
            {
                NoticeOutcome.Applied => OrderNotificationAnswer.Applied,
                NoticeOutcome.Refused => OrderNotificationAnswer.Refused,
                _ => OrderNotificationAnswer.RetryLater,
            });
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            // Not stored, or stored but not yet applied: the provider sends it again and the order's grain carries on.
            logger.LogWarning(failure, "{Provider} notification for order {OrderId} not applied yet", name, notification.OrderId);
            return provider.AnswerNotification(OrderNotificationAnswer.RetryLater);
        }
    }
}

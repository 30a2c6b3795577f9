using Microsoft.AspNetCore.Http;

namespace Tollgate.Api.Payments.Orders;

/// <summary>
/// A provider where a customer pays one order once, by scanning or following a link: Alipay and WeChat Pay. Nothing
/// recurs; the order's grain asks the provider, and the provider notifies Tollgate, until the order is paid or closed.
/// The order id is the merchant's trade number at the provider (<c>out_trade_no</c>).
/// </summary>
public interface IOrderPaymentProvider
{
    /// <summary>"alipay" or "wechatpay", as orders, payments and routes name it.</summary>
    string Name { get; }

    /// <summary>Whether its keys are configured; an order for a provider that is not answers 503 <c>payments_not_configured</c>.</summary>
    bool IsConfigured { get; }

    /// <summary>Creates the trade: Alipay's signed page URL (no call is made), WeChat Pay's Native <c>code_url</c>.</summary>
    Task<OrderPaymentStart> StartAsync(OrderPaymentRequest request, CancellationToken cancellationToken);

    /// <summary>What the provider has for the order now (<c>alipay.trade.query</c>, WeChat Pay's query by out_trade_no).</summary>
    Task<OrderPaymentQuery> QueryAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>Closes an unpaid trade so it can no longer be paid; a trade the provider never created counts as closed.</summary>
    Task CloseAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>Refunds part or all of a paid order; the same <see cref="OrderRefundRequest.RefundId"/> never refunds twice.</summary>
    Task<OrderRefundOutcome> RefundAsync(OrderRefundRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Reads and verifies a notification posted to the provider's webhook route: signature, freshness, the configured
    /// app id or merchant id. A refused one carries a stable reason and no notification.
    /// </summary>
    Task<OrderNotificationVerdict> ReadNotificationAsync(HttpRequest request, CancellationToken cancellationToken);

    /// <summary>The answer the provider expects: success only once the change is durable, so that it retries otherwise.</summary>
    IResult AnswerNotification(OrderNotificationAnswer answer);
}

/// <summary>Alipay's page (PC) or mobile web (H5) flow; WeChat Pay's Native flow has one.</summary>
public enum OrderChannel { Pc, H5 }

/// <param name="Subject">What the customer sees on the provider's page (the plan or pack name and periods).</param>
/// <param name="AmountMinor">In fen.</param>
/// <param name="Currency">"cny".</param>
/// <param name="ReturnUrl">Where Alipay sends the customer's browser after paying, if anywhere.</param>
public sealed record OrderPaymentRequest(
    string OrderId, string Subject, long AmountMinor, string Currency, DateTimeOffset ExpiresAt, OrderChannel Channel, Uri NotifyUrl,
    Uri? ReturnUrl);

/// <param name="PayUrl">Alipay: the gateway URL with every parameter and the signature.</param>
/// <param name="CodeUrl">WeChat Pay: the <c>weixin://</c> URL to show as a QR code.</param>
public sealed record OrderPaymentStart(Uri? PayUrl, string? CodeUrl);

public enum OrderPaymentState { NotFound, Pending, Paid, Closed, Refunded }

/// <param name="ProviderTradeNo">Alipay's <c>trade_no</c>, WeChat Pay's <c>transaction_id</c>, once there is one.</param>
/// <param name="AmountMinor">What was paid, in fen, once paid.</param>
public sealed record OrderPaymentQuery(
    OrderPaymentState State, string? ProviderTradeNo, long? AmountMinor, string? Currency, DateTimeOffset? PaidAt);

/// <param name="RefundId">Tollgate's refund id (<c>out_request_no</c> / <c>out_refund_no</c>).</param>
/// <param name="TotalMinor">What the order paid, in fen (WeChat Pay asks for it).</param>
public sealed record OrderRefundRequest(
    string OrderId, string RefundId, long RefundMinor, long TotalMinor, string Currency, string Reason, Uri NotifyUrl);

/// <summary>Alipay answers refunds at once; WeChat Pay may answer <see cref="Processing"/> and notify the result later.</summary>
public enum OrderRefundState { Succeeded, Processing, Failed }

public sealed record OrderRefundOutcome(OrderRefundState State, string? ProviderRefundId, DateTimeOffset? At, string? FailureReason);

public enum OrderNotificationKind { Paid, Closed, Refunded, RefundFailed }

/// <summary>A verified notification, in Tollgate's terms.</summary>
/// <param name="AmountMinor">What the notification says was paid (or, for a refund, refunded), in fen.</param>
/// <param name="RefundId">For refund notifications: Tollgate's refund id.</param>
public sealed record OrderNotification(
    OrderNotificationKind Kind, string OrderId, string? ProviderTradeNo, long AmountMinor, string Currency, DateTimeOffset OccurredAt,
    string? RefundId = null);

/// <param name="Refusal">Why it was refused, e.g. <c>bad_signature</c>, <c>stale</c>, <c>app_id_mismatch</c>, <c>malformed</c>.</param>
public sealed record OrderNotificationVerdict(OrderNotification? Notification, string? Refusal, string? RefusalDetail = null)
{
    public static OrderNotificationVerdict Accept(OrderNotification notification) => new(notification, null);
    public static OrderNotificationVerdict Refuse(string refusal, string detail) => new(null, refusal, detail);
}

/// <summary>How a notification ended: applied (or already applied), refused for good, or to be retried by the provider.</summary>
public enum OrderNotificationAnswer { Applied, Refused, RetryLater }

/// <summary>A provider call failed; <see cref="PaymentProviderException.IsTransient"/> says whether a retry may succeed.</summary>
public sealed class OrderProviderException(string provider, string code, string message, bool transient, Exception? inner = null)
    : PaymentProviderException(message, inner)
{
    public string Provider { get; } = provider;
    /// <summary>The provider's own error code (Alipay's <c>sub_code</c>, WeChat Pay's <c>code</c>).</summary>
    public string Code { get; } = code;
    public override bool IsTransient { get; } = transient;
}

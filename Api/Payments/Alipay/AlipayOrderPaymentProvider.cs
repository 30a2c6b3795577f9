using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Api.Payments.Orders;

namespace Tollgate.Api.Payments.Alipay;

/// <summary>
/// Alipay (Open Platform, RSA2) behind <see cref="IOrderPaymentProvider"/>: the page pay URL for PC and mobile web, and
/// <c>alipay.trade.query</c>, <c>alipay.trade.close</c> and <c>alipay.trade.refund</c> over the gateway, each answer
/// trusted only once its signature verifies with Alipay's public key. The order id is the trade's <c>out_trade_no</c>.
/// </summary>
public sealed class AlipayOrderPaymentProvider(
    IHttpClientFactory clients, IOptions<AlipayOptions> options, [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    ILogger<AlipayOrderPaymentProvider> logger) : IOrderPaymentProvider
{
    public const string ProviderName = "alipay";
    public const string ClientName = "alipay";
    public const string Currency = "cny";

    private static readonly JsonWriterOptions BizContentWriting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Lazy<AlipayKeys> _keys = new(() => AlipayKeys.Read(options.Value));

    public string Name => ProviderName;

    public bool IsConfigured => options.Value.IsConfigured;

    /// <summary>No call: the URL itself is the request, signed, that the customer's browser takes to Alipay's cashier.</summary>
    public Task<OrderPaymentStart> StartAsync(OrderPaymentRequest request, CancellationToken cancellationToken)
    {
        var (method, productCode) = request.Channel switch
        {
            OrderChannel.H5 => ("alipay.trade.wap.pay", "QUICK_WAP_WAY"),
            _ => ("alipay.trade.page.pay", "FAST_INSTANT_TRADE_PAY"),
        };
        var bizContent = BizContent(writer =>
        {
            writer.WriteString("out_trade_no", request.OrderId);
            writer.WriteString("total_amount", AlipayAmount.Format(request.AmountMinor));
            writer.WriteString("subject", request.Subject);
            writer.WriteString("product_code", productCode);
            writer.WriteString("time_expire", AlipayTime.Format(request.ExpiresAt));
        });
        var parameters = Signed(method, bizContent, request.NotifyUrl, request.ReturnUrl);
        var query = string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        var gateway = options.Value.Gateway.AbsoluteUri;
        return Task.FromResult(new OrderPaymentStart(new Uri(gateway + (gateway.Contains('?') ? "&" : "?") + query), null));
    }

    public async Task<OrderPaymentQuery> QueryAsync(string orderId, CancellationToken cancellationToken)
    {
        var answer = await CallAsync("alipay.trade.query", BizContent(w => w.WriteString("out_trade_no", orderId)), cancellationToken);
        // A page pay trade exists at Alipay only once the customer has opened the cashier (scanned or signed in).
        if (answer.SubCode == "ACQ.TRADE_NOT_EXIST") return new OrderPaymentQuery(OrderPaymentState.NotFound, null, null, null, null);
        answer.ThrowIfFailed();
        var state = answer.Text("trade_status") switch
        {
            "WAIT_BUYER_PAY" => OrderPaymentState.Pending,
            "TRADE_SUCCESS" or "TRADE_FINISHED" => OrderPaymentState.Paid,
            // Unpaid and expired or closed, or paid and refunded in full: the order knows which it was.
            "TRADE_CLOSED" => OrderPaymentState.Closed,
            var other => throw answer.Malformed($"trade_status \"{other}\" is not one Alipay documents"),
        };
        var paid = state == OrderPaymentState.Paid;
        return new OrderPaymentQuery(state, answer.Text("trade_no"),
            paid ? answer.Amount("total_amount") : null, paid ? Currency : null,
            paid ? Time(answer.Text("send_pay_date")) : null);
    }

    public async Task CloseAsync(string orderId, CancellationToken cancellationToken)
    {
        var answer = await CallAsync("alipay.trade.close", BizContent(w => w.WriteString("out_trade_no", orderId)), cancellationToken);
        // Never opened by the customer: nothing at Alipay can be paid, which is what closing is for.
        if (answer.SubCode == "ACQ.TRADE_NOT_EXIST") return;
        answer.ThrowIfFailed();
    }

    /// <summary>
    /// Alipay answers a refund at once. <c>fund_change</c> "Y" says money moved now; "N" is what a repeated
    /// <c>out_request_no</c> gets, so the refund's own state is then asked with <c>alipay.trade.fastpay.refund.query</c>,
    /// where <c>refund_status</c> REFUND_SUCCESS is a refund made and its absence one Alipay did not receive or did not make.
    /// Alipay gives a refund no id of its own (<c>out_request_no</c> is Tollgate's), so there is no provider refund id.
    /// </summary>
    public async Task<OrderRefundOutcome> RefundAsync(OrderRefundRequest request, CancellationToken cancellationToken)
    {
        var answer = await CallAsync("alipay.trade.refund", BizContent(w =>
        {
            w.WriteString("out_trade_no", request.OrderId);
            w.WriteString("refund_amount", AlipayAmount.Format(request.RefundMinor));
            w.WriteString("out_request_no", request.RefundId);
            w.WriteString("refund_reason", request.Reason);
        }), cancellationToken);
        if (answer.IsBusinessRefusal)
            return new OrderRefundOutcome(OrderRefundState.Failed, null, null, $"{answer.SubCode}: {answer.SubMessage}");
        answer.ThrowIfFailed();
        if (answer.Text("fund_change") == "Y")
            return new OrderRefundOutcome(OrderRefundState.Succeeded, null, Time(answer.Text("gmt_refund_pay")), null);

        var refund = await CallAsync("alipay.trade.fastpay.refund.query", BizContent(w =>
        {
            w.WriteString("out_trade_no", request.OrderId);
            w.WriteString("out_request_no", request.RefundId);
        }), cancellationToken);
        refund.ThrowIfFailed();
        return refund.Text("refund_status") == "REFUND_SUCCESS"
            ? new OrderRefundOutcome(OrderRefundState.Succeeded, null, Time(refund.Text("gmt_refund_pay")), null)
            : new OrderRefundOutcome(OrderRefundState.Failed, null, null,
                $"Alipay has not made the refund {request.RefundId} (alipay.trade.fastpay.refund.query has no refund_status).");
    }

    private static DateTimeOffset? Time(string? chinaTime) => AlipayTime.TryParse(chinaTime, out var at) ? at : null;

    /// <summary>Without an AppId there is nothing to verify with: that is <c>payments_not_configured</c>, not a refusal.</summary>
    public Task<OrderNotificationVerdict> ReadNotificationAsync(HttpRequest request, CancellationToken cancellationToken) =>
        AlipayNotifications.ReadAsync(request, Configured(), _keys.Value, cancellationToken);

    /// <summary>
    /// Alipay stops resending once the body is the text <c>success</c>, and resends anything else (8 times over 25 h). A refused
    /// notification is answered <c>success</c> too: it is final (a bad signature or another app's notification does not become
    /// good by coming again) and the orders code has audited it; only <see cref="OrderNotificationAnswer.RetryLater"/>, a change
    /// not yet durable, answers <c>failure</c> so that Alipay sends it again.
    /// </summary>
    public IResult AnswerNotification(OrderNotificationAnswer answer) =>
        Results.Text(answer == OrderNotificationAnswer.RetryLater ? "failure" : "success", "text/plain");

    /// <summary>The common request parameters with <paramref name="bizContent"/>, and their RSA2 signature as <c>sign</c>.</summary>
    private List<KeyValuePair<string, string>> Signed(string method, string bizContent, Uri? notifyUrl = null, Uri? returnUrl = null)
    {
        var settings = Configured();
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("app_id", settings.AppId!),
            new("method", method),
            new("format", "JSON"),
            new("charset", "utf-8"),
            new("sign_type", AlipaySignature.SignType),
            new("timestamp", AlipayTime.Format(clock.GetUtcNow())),
            new("version", "1.0"),
        };
        if (notifyUrl is not null) parameters.Add(new("notify_url", notifyUrl.AbsoluteUri));
        if (returnUrl is not null) parameters.Add(new("return_url", returnUrl.AbsoluteUri));
        parameters.Add(new("biz_content", bizContent));
        using var key = _keys.Value.Private();
        parameters.Add(new("sign", AlipaySignature.Sign(AlipaySignature.Content(parameters.Select(Nullable), "sign"), key)));
        return parameters;
    }

    /// <summary>
    /// POSTs a signed request to the gateway as Alipay's examples do: the common parameters in the query string,
    /// <c>biz_content</c> in the form body. Network failures, 5xx and unreadable answers throw here; the answer's signature
    /// is checked before anything in it is read.
    /// </summary>
    private async Task<AlipayAnswer> CallAsync(string method, string bizContent, CancellationToken cancellationToken)
    {
        var parameters = Signed(method, bizContent);
        var query = string.Join('&', parameters.Where(p => p.Key != "biz_content")
            .Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        var gateway = options.Value.Gateway.AbsoluteUri;
        using var request = new HttpRequestMessage(HttpMethod.Post, gateway + (gateway.Contains('?') ? "&" : "?") + query)
        {
            Content = new FormUrlEncodedContent([new("biz_content", bizContent)]),
        };
        byte[] body;
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw Failed(method, $"http_{(int)response.StatusCode}", $"The Alipay gateway answered HTTP {(int)response.StatusCode}.",
                    (int)response.StatusCode >= 500 || response.StatusCode == System.Net.HttpStatusCode.TooManyRequests);
        }
        catch (HttpRequestException failure)
        {
            throw Failed(method, "network", $"The Alipay gateway could not be reached: {failure.Message}", true, failure);
        }
        // A timeout; the caller's own cancellation is not the gateway's failure and goes through as it is.
        catch (TaskCanceledException failure) when (failure.InnerException is TimeoutException)
        {
            throw Failed(method, "network", "The Alipay gateway did not answer in time.", true, failure);
        }
        using var alipayPublic = _keys.Value.AlipayPublic();
        var answer = AlipayAnswer.Read(method, body, alipayPublic);
        if (answer.Refusal is { } refusal) throw Failed(method, refusal.Code, refusal.Message, refusal.Transient);
        if (!answer.IsSuccess)
            logger.LogWarning(
                "Alipay {Method} answered {Code} {SubCode}: {SubMessage}", method, answer.Code, answer.SubCode, answer.SubMessage);
        return answer;
    }

    private AlipayOptions Configured() => options.Value is { IsConfigured: true } settings
        ? settings
        : throw new OrderProviderException(ProviderName, "payments_not_configured", "Alipay is not configured: set Alipay:AppId.", false);

    private OrderProviderException Failed(string method, string code, string message, bool transient, Exception? inner = null)
    {
        logger.LogWarning("Alipay {Method} failed ({Code}, transient {Transient}): {Message}", method, code, transient, message);
        return new OrderProviderException(ProviderName, code, message, transient, inner);
    }

    private static string BizContent(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, BizContentWriting))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static KeyValuePair<string, string?> Nullable(KeyValuePair<string, string> parameter) => new(parameter.Key, parameter.Value);
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Api.Payments.Orders;
using Tollgate.Storage;

namespace Tollgate.Api.Payments.WeChatPay;

/// <summary>
/// WeChat Pay API v3, Native flow (扫码支付), over the typed HttpClient it is given: every request is signed with the merchant's
/// private key, and every answer Tollgate acts upon is verified with the platform public key before it is believed.
/// Failures leave as <see cref="OrderProviderException"/> with WeChat Pay's own <c>code</c>.
/// </summary>
public sealed class WeChatPayProvider(
    HttpClient http, IOptions<WeChatPayOptions> options, WeChatPayKeys keys, [FromKeyedServices(DomainClock.Key)] TimeProvider time,
    ILogger<WeChatPayProvider> logger) : IOrderPaymentProvider
{
    public const string ProviderName = "wechatpay";

    // The codes after which the same request may succeed later; the others describe the request and stay as they are.
    private static readonly HashSet<string> s_transientCodes = ["SYSTEM_ERROR", "FREQUENCY_LIMITED", "BANK_ERROR", "network"];

    private WeChatPayOptions Options => options.Value;

    public string Name => ProviderName;

    public bool IsConfigured => Options.IsConfigured;

    public async Task<OrderPaymentStart> StartAsync(OrderPaymentRequest request, CancellationToken cancellationToken)
    {
        var order = new WeChatPayNativeOrder(
            Options.AppId!, Options.MchId!, Description(request.Subject), request.OrderId, TimeExpire(request.ExpiresAt),
            request.NotifyUrl.AbsoluteUri, new WeChatPayAmount(request.AmountMinor, Yuan(request.Currency)));
        var answer = await CallAsync(HttpMethod.Post, "v3/pay/transactions/native", order, cancellationToken);
        if (answer.Status != HttpStatusCode.OK) throw Failure(answer, "native order");
        var codeUrl = Read<WeChatPayNativeOrderAnswer>(answer).CodeUrl;
        if (string.IsNullOrEmpty(codeUrl)) throw Untrusted("The native order's answer has no code_url.");
        return new OrderPaymentStart(null, codeUrl);
    }

    public async Task<OrderPaymentQuery> QueryAsync(string orderId, CancellationToken cancellationToken)
    {
        var path = $"v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(orderId)}?mchid={Uri.EscapeDataString(Options.MchId!)}";
        var answer = await CallAsync(HttpMethod.Get, path, null, cancellationToken);
        if (answer.Is(HttpStatusCode.NotFound, "ORDER_NOT_EXIST"))
            return new OrderPaymentQuery(OrderPaymentState.NotFound, null, null, null, null);
        if (answer.Status != HttpStatusCode.OK) throw Failure(answer, "query");
        var trade = Read<WeChatPayTransaction>(answer);
        if (trade.OutTradeNo != orderId || trade.Mchid != Options.MchId)
            throw Untrusted($"The query for {orderId} answered trade {trade.OutTradeNo} of merchant {trade.Mchid}.");
        var state = trade.TradeState switch
        {
            "SUCCESS" => OrderPaymentState.Paid,
            "REFUND" => OrderPaymentState.Refunded, // paid, then (part of it) refunded
            "CLOSED" or "REVOKED" => OrderPaymentState.Closed,
            // NOTPAY, USERPAYING (waiting for the payer's password), PAYERROR (a failed attempt; the QR code still works until it expires)
            _ => OrderPaymentState.Pending,
        };
        return state is OrderPaymentState.Paid or OrderPaymentState.Refunded
            ? new OrderPaymentQuery(state, trade.TransactionId, trade.Amount?.Total, Currency(trade.Amount?.Currency), trade.SuccessTime)
            : new OrderPaymentQuery(state, null, null, null, null);
    }

    public async Task CloseAsync(string orderId, CancellationToken cancellationToken)
    {
        var answer = await CallAsync(HttpMethod.Post, $"v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(orderId)}/close",
            new WeChatPayCloseRequest(Options.MchId!), cancellationToken);
        // A trade WeChat Pay never created can never be paid: closed as far as Tollgate is concerned.
        if (answer.Status == HttpStatusCode.NoContent || answer.Is(HttpStatusCode.NotFound, "ORDER_NOT_EXIST")) return;
        throw Failure(answer, "close");
    }

    public async Task<OrderRefundOutcome> RefundAsync(OrderRefundRequest request, CancellationToken cancellationToken)
    {
        var body = new WeChatPayRefundRequest(
            request.OrderId, request.RefundId, Truncate(request.Reason, 80), request.NotifyUrl.AbsoluteUri,
            new WeChatPayAmount(request.TotalMinor, Yuan(request.Currency), Refund: request.RefundMinor));
        var answer = await CallAsync(HttpMethod.Post, "v3/refund/domestic/refunds", body, cancellationToken);
        if (answer.Status != HttpStatusCode.OK) throw Failure(answer, "refund");
        var refund = Read<WeChatPayRefund>(answer);
        if (refund.OutRefundNo != request.RefundId) throw Untrusted($"The refund {request.RefundId} answered refund {refund.OutRefundNo}.");
        return refund.Status switch
        {
            "SUCCESS" => new OrderRefundOutcome(OrderRefundState.Succeeded, refund.RefundId, refund.SuccessTime, null),
            "PROCESSING" => new OrderRefundOutcome(OrderRefundState.Processing, refund.RefundId, null, null),
            // ABNORMAL: the payer's card or account refused the money (the merchant settles it in the merchant platform); CLOSED: closed.
            _ => new OrderRefundOutcome(OrderRefundState.Failed, refund.RefundId, null, refund.Status),
        };
    }

    public Task<OrderNotificationVerdict> ReadNotificationAsync(HttpRequest request, CancellationToken cancellationToken) =>
        new WeChatPayNotifications(Options, keys, time).ReadAsync(request, cancellationToken);

    /// <summary>
    /// WeChat Pay takes 200 or 204 as received and anything in 4xx or 5xx, with <c>{"code":"FAIL","message":…}</c>, as failed, and
    /// then notifies again (15 s, 15 s, 30 s, 3 min … 6 h: 15 more times over 24 h 4 min). There is no answer that stops the
    /// retries but success, and success would tell WeChat Pay a payment was taken in that Tollgate did not take in. So every
    /// refusal is answered as a failure, even one that can never become right (an amount that is not the order's): its retries
    /// are bounded and each is refused and audited again, while the refusals that configuration causes (a platform key or a
    /// merchant id not yet updated, a clock off by minutes) apply on a later retry once the operator has fixed them.
    /// A refusal is a 400 (this notification is wrong), a retry a 500 (Tollgate could not record it now).
    /// </summary>
    public IResult AnswerNotification(OrderNotificationAnswer answer) => answer switch
    {
        OrderNotificationAnswer.Applied => Results.NoContent(),
        OrderNotificationAnswer.Refused => Results.Json(new WeChatPayError("FAIL", "refused: see the merchant's audit log"),
            statusCode: StatusCodes.Status400BadRequest),
        _ => Results.Json(new WeChatPayError("FAIL", "not recorded yet, notify again"),
            statusCode: StatusCodes.Status500InternalServerError),
    };

    /// <summary>An answer Tollgate may read: a success signed by WeChat Pay, or a failure with WeChat Pay's code.</summary>
    private sealed record Answer(HttpStatusCode Status, byte[] Body, WeChatPayError? Error)
    {
        public bool Is(HttpStatusCode status, string code) => Status == status && Error?.Code == code;
    }

    private async Task<Answer> CallAsync(HttpMethod method, string pathAndQuery, object? body, CancellationToken cancellationToken)
    {
        if (!IsConfigured)
            throw new OrderProviderException(Name, "not_configured", "WeChat Pay is not configured: set WeChatPay:MchId.", false);
        var uri = new Uri(Options.ApiBase, pathAndQuery);
        var content = body is null ? [] : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), WeChatPayJson.Options);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var nonce = WeChatPaySignature.NewNonce();
        var signature = WeChatPaySignature.Sign(keys.Merchant,
            WeChatPaySignature.RequestMessage(method.Method, uri.PathAndQuery, timestamp, nonce, content));

        using var message = new HttpRequestMessage(method, uri);
        message.Headers.TryAddWithoutValidation("Authorization",
            WeChatPaySignature.Authorization(Options.MchId!, Options.MerchantSerialNo!, timestamp, nonce, signature));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        message.Headers.UserAgent.Add(new ProductInfoHeaderValue("Tollgate", "1.0")); // WeChat Pay refuses requests without one
        if (body is not null)
        {
            message.Content = new ByteArrayContent(content);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        HttpResponseMessage response;
        byte[] answer;
        try
        {
            response = await http.SendAsync(message, cancellationToken);
            answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new OrderProviderException(Name, "network", $"WeChat Pay could not be reached: {e.Message}", true, e);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var answerSignature = Header(response, "Wechatpay-Signature");
            // A success must be signed, and a 4xx that is signed must verify (签名验证): otherwise the answer is forged or tampered
            // with and nothing in it is believed. An unsigned 4xx is taken as the failure it reports: WeChat Pay's own SDKs check
            // no error's signature, and an error never grants anything (at most it says a trade does not exist, which a
            // notification of that trade's payment would contradict). A 5xx or 429 is retried whatever it carries.
            if (status < 300 || (status < 500 && status != 429 && answerSignature is not null))
            {
                var refusal = WeChatPaySignature.Refusal(
                    Header(response, "Wechatpay-Serial"), Header(response, "Wechatpay-Timestamp"), Header(response, "Wechatpay-Nonce"),
                    answerSignature, answer, keys.Platform, Options.PlatformPublicKeyId!, time.GetUtcNow());
                if (refusal is { } untrusted)
                {
                    logger.LogWarning("WeChat Pay's answer to {Method} {Path} refused: {Reason} ({Detail})", method, uri.AbsolutePath,
                        untrusted.Reason, untrusted.Detail);
                    throw Untrusted($"{untrusted.Reason}: {untrusted.Detail}");
                }
            }
            return new Answer(response.StatusCode, answer, status < 300 ? null : ReadError(answer));
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static WeChatPayError? ReadError(byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize<WeChatPayError>(body, WeChatPayJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private T Read<T>(Answer answer)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(answer.Body, WeChatPayJson.Options) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new OrderProviderException(
                Name, "malformed_answer", $"WeChat Pay's answer is not the JSON expected: {e.Message}", false, e);
        }
    }

    private OrderProviderException Failure(Answer answer, string call)
    {
        var status = (int)answer.Status;
        var code = answer.Error?.Code ?? $"http_{status}";
        var transient = status >= 500 || status == 429 || s_transientCodes.Contains(code);
        return new OrderProviderException(Name, code, $"WeChat Pay's {call} failed ({status} {code}): {answer.Error?.Message}", transient);
    }

    private OrderProviderException Untrusted(string detail) =>
        new(Name, "untrusted_answer", $"WeChat Pay's answer is not trusted: {detail}", false);

    /// <summary>WeChat Pay takes only CNY; Tollgate names currencies in lower case.</summary>
    private string Yuan(string currency) => currency.Equals("cny", StringComparison.OrdinalIgnoreCase)
        ? "CNY"
        : throw new OrderProviderException(Name, "currency_not_supported", $"WeChat Pay Native takes CNY, not {currency}.", false);

    private static string Currency(string? currency) => (currency ?? "CNY").ToLowerInvariant();

    /// <summary>RFC 3339 in Beijing time, as WeChat Pay's examples write it (<c>2018-06-08T10:34:56+08:00</c>).</summary>
    public static string TimeExpire(DateTimeOffset at) =>
        at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>WeChat Pay takes at most 127 characters of description.</summary>
    private static string Description(string subject) => Truncate(subject, 127);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

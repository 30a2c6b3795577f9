using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Tollgate.Testing;

/// <summary>A request the fake WeChat Pay received, and whether its <c>Authorization</c> signature verified.</summary>
public sealed record FakeWeChatPayRequest(
    string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body, bool SignatureVerified)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A trade the fake holds, created by a Native order (<c>out_trade_no</c> is Tollgate's order id).</summary>
public sealed class FakeWeChatPayTrade
{
    public required string OutTradeNo { get; init; }
    public required string AppId { get; init; }
    public required string Description { get; init; }
    public required long Total { get; init; }
    public required string Currency { get; init; }
    public required string TimeExpire { get; init; }
    public required string NotifyUrl { get; init; }
    public required string CodeUrl { get; init; }
    /// <summary>NOTPAY, SUCCESS, CLOSED or REFUND, as WeChat Pay's <c>trade_state</c>.</summary>
    public string State { get; set; } = "NOTPAY";
    public string? TransactionId { get; set; }
    public DateTimeOffset? SuccessTime { get; set; }
    internal string Request { get; init; } = "";
}

/// <summary>A refund the fake holds.</summary>
public sealed class FakeWeChatPayRefund
{
    public required string OutRefundNo { get; init; }
    public required string RefundId { get; init; }
    public required string OutTradeNo { get; init; }
    public required long Refund { get; init; }
    public required long Total { get; init; }
    public required string Reason { get; init; }
    public required string NotifyUrl { get; init; }
    /// <summary>SUCCESS, PROCESSING, ABNORMAL or CLOSED.</summary>
    public string Status { get; set; } = "SUCCESS";
    public DateTimeOffset? SuccessTime { get; set; }
}

/// <summary>What is wrong with a notification <see cref="FakeWeChatPay.Notification"/> builds (nothing, by default).</summary>
/// <param name="Amount">Another <c>amount.total</c> (or, for a refund, <c>amount.refund</c>) than the trade's.</param>
/// <param name="RefundId">Set: a refund notification for this <c>out_refund_no</c>, with <paramref name="RefundStatus"/>.</param>
/// <param name="Stale">Signed ten minutes ago.</param>
/// <param name="TamperedCiphertext">The ciphertext changed after encryption (and the body signed as it is).</param>
public sealed record FakeWeChatPayNotificationOptions(
    long? Amount = null, string? MchId = null, string? AppId = null, bool BadSignature = false, bool Stale = false,
    bool TamperedCiphertext = false, string? RefundId = null, string RefundStatus = "SUCCESS", string? Currency = null);

/// <summary>How the fake spoils its next answer's signature headers.</summary>
public enum FakeWeChatPayAnswerFault { BadSignature, WrongSerial, Stale, Unsigned }

/// <summary>
/// WeChat Pay API v3, played locally on 127.0.0.1 by Kestrel for tests. It holds a platform RSA key pair and the
/// merchant's (both generated here; <see cref="Configuration"/> gives Tollgate the merchant's private key and the platform's
/// public key) and an APIv3 key. Each request's <c>Authorization</c> is verified with the merchant's public key (401
/// SIGN_ERROR otherwise, as WeChat Pay answers); answers are shaped as the documentation's examples and signed with the
/// platform key in <c>Wechatpay-*</c> headers. It holds the trades Native orders create, their queries, closes and refunds,
/// and builds notifications signed and encrypted as WeChat Pay sends them.
/// </summary>
public sealed class FakeWeChatPay : IAsyncDisposable
{
    public const string MchId = "1900009191";
    public const string AppId = "wxd678efh567hg6787";
    public const string PlatformPublicKeyId = "PUB_KEY_ID_0119000091912025120600000000000001";

    private static readonly TimeSpan s_beijing = TimeSpan.FromHours(8);

    private readonly WebApplication _app;
    private readonly TimeProvider _clock;
    // Generated once per test process: a 2048-bit pair takes a noticeable part of a second, and every test starts a fake.
    private static readonly Lazy<RSA> s_platform = new(() => RSA.Create(2048));
    private static readonly Lazy<RSA> s_merchant = new(() => RSA.Create(2048));

    private readonly RSA _platform = s_platform.Value;
    private readonly RSA _merchant = s_merchant.Value;
    private readonly ConcurrentQueue<FakeWeChatPayRequest> _requests = new();
    private readonly ConcurrentQueue<(int Status, string Code)> _failures = new();
    private readonly ConcurrentQueue<FakeWeChatPayAnswerFault> _faults = new();
    private readonly ConcurrentDictionary<string, int> _queries = new();
    private readonly ConcurrentDictionary<string, int> _closes = new();
    private readonly Lock _answering = new();
    private long _sequence;

    public Uri BaseAddress { get; }

    /// <summary>The APIv3 key: 32 ASCII characters.</summary>
    public string ApiV3Key { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public string MerchantSerialNo { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));

    /// <summary>The merchant's public key (what WeChat Pay keeps of the merchant API certificate), to verify requests.</summary>
    public RSA MerchantPublicKey { get; }

    public ConcurrentDictionary<string, FakeWeChatPayTrade> Trades { get; } = new();
    public ConcurrentDictionary<string, FakeWeChatPayRefund> Refunds { get; } = new();
    public IReadOnlyList<FakeWeChatPayRequest> Requests => _requests.ToArray();

    /// <summary>The status the next refunds are created with (SUCCESS by default; PROCESSING, ABNORMAL).</summary>
    public string NextRefundStatus { get; set; } = "SUCCESS";

    /// <summary>The <c>WeChatPay:*</c> settings that point Tollgate at this fake.</summary>
    public IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>
    {
        ["WeChatPay:MchId"] = MchId,
        ["WeChatPay:AppId"] = AppId,
        ["WeChatPay:ApiV3Key"] = ApiV3Key,
        ["WeChatPay:MerchantPrivateKey"] = _merchant.ExportPkcs8PrivateKeyPem(),
        ["WeChatPay:MerchantSerialNo"] = MerchantSerialNo,
        ["WeChatPay:PlatformPublicKey"] = _platform.ExportSubjectPublicKeyInfoPem(),
        ["WeChatPay:PlatformPublicKeyId"] = PlatformPublicKeyId,
        ["WeChatPay:ApiBase"] = BaseAddress.AbsoluteUri,
    };

    private FakeWeChatPay(WebApplication app, Uri baseAddress, TimeProvider clock)
    {
        _app = app;
        BaseAddress = baseAddress;
        _clock = clock;
        MerchantPublicKey = RSA.Create();
        MerchantPublicKey.ImportSubjectPublicKeyInfo(_merchant.ExportSubjectPublicKeyInfo(), out _);
    }

    /// <param name="clock">The clock its signatures are dated by: give it Tollgate's when a test moves Tollgate's clock.</param>
    public static async Task<FakeWeChatPay> StartAsync(TimeProvider? clock = null)
    {
        var app = LoopbackApp.Create();
        FakeWeChatPay? fake = null;
        app.Run(async context => await fake!.HandleAsync(context));
        await app.StartAsync();
        fake = new FakeWeChatPay(app, new Uri(app.Urls.Single()), clock ?? TimeProvider.System);
        return fake;
    }

    /// <summary>The customer scans the code and pays: a later query answers SUCCESS.</summary>
    public FakeWeChatPayTrade Pay(string orderId)
    {
        var trade = Trades[orderId];
        lock (_answering)
        {
            if (trade.State != "NOTPAY") throw new InvalidOperationException($"Trade {orderId} is {trade.State}, not NOTPAY.");
            trade.State = "SUCCESS";
            trade.TransactionId = $"42000{Interlocked.Increment(ref _sequence):D23}";
            trade.SuccessTime = _clock.GetUtcNow();
        }
        return trade;
    }

    /// <summary>The trade closes at WeChat Pay (as when it expires unpaid): a later query answers CLOSED.</summary>
    public void Close(string orderId)
    {
        lock (_answering) Trades[orderId].State = "CLOSED";
    }

    public int QueryCount(string orderId) => _queries.GetValueOrDefault(orderId);
    public int CloseCount(string orderId) => _closes.GetValueOrDefault(orderId);

    /// <summary>
    /// The next <paramref name="times"/> requests fail with <paramref name="status"/> and WeChat Pay's <paramref name="code"/>.
    /// </summary>
    public void FailNext(int status, string code, int times = 1)
    {
        for (var i = 0; i < times; i++) _failures.Enqueue((status, code));
    }

    /// <summary>The next answer's <c>Wechatpay-*</c> headers are spoiled so that Tollgate must not trust it.</summary>
    public void SpoilNextAnswer(FakeWeChatPayAnswerFault fault = FakeWeChatPayAnswerFault.BadSignature) => _faults.Enqueue(fault);

    /// <summary>
    /// A notification as WeChat Pay posts it to <paramref name="notifyUrl"/>: <c>TRANSACTION.SUCCESS</c> for the trade (as paid:
    /// with its transaction id and time once <see cref="Pay"/> was called, made up otherwise; the trade is not changed), or with
    /// <see cref="FakeWeChatPayNotificationOptions.RefundId"/> a <c>REFUND.*</c>; the resource encrypted under the APIv3 key, the
    /// body signed with the platform key.
    /// </summary>
    public HttpRequestMessage Notification(Uri notifyUrl, string orderId, FakeWeChatPayNotificationOptions? options = null)
    {
        options ??= new FakeWeChatPayNotificationOptions();
        var now = _clock.GetUtcNow();
        var trade = Trades.GetValueOrDefault(orderId);
        var refund = options.RefundId is { } refundNo ? Refunds.GetValueOrDefault(refundNo) : null;
        JsonObject resource;
        string eventType, summary, originalType;
        if (options.RefundId is { } refundId)
        {
            eventType = $"REFUND.{options.RefundStatus}";
            summary = options.RefundStatus == "SUCCESS" ? "退款成功" : "退款异常";
            originalType = "refund";
            var total = trade?.Total ?? refund?.Total ?? options.Amount ?? 100;
            var refunded = options.Amount ?? refund?.Refund ?? total;
            resource = new JsonObject
            {
                ["mchid"] = options.MchId ?? MchId,
                ["transaction_id"] = trade?.TransactionId ?? $"42000{Interlocked.Increment(ref _sequence):D23}",
                ["out_trade_no"] = orderId,
                ["refund_id"] = refund?.RefundId ?? $"50300{Interlocked.Increment(ref _sequence):D24}",
                ["out_refund_no"] = refundId,
                ["refund_status"] = options.RefundStatus,
                ["success_time"] = options.RefundStatus == "SUCCESS" ? Rfc3339(refund?.SuccessTime ?? now) : null,
                ["user_received_account"] = "招商银行信用卡0403",
                ["amount"] = new JsonObject
                {
                    ["total"] = total, ["refund"] = refunded, ["payer_total"] = total, ["payer_refund"] = refunded,
                },
            };
        }
        else
        {
            eventType = "TRANSACTION.SUCCESS";
            summary = "支付成功";
            originalType = "transaction";
            var total = options.Amount ?? trade?.Total ?? 100;
            var currency = options.Currency ?? trade?.Currency ?? "CNY";
            resource = new JsonObject
            {
                ["transaction_id"] = trade?.TransactionId ?? $"42000{Interlocked.Increment(ref _sequence):D23}",
                ["amount"] = new JsonObject
                {
                    ["payer_total"] = total, ["total"] = total, ["currency"] = currency, ["payer_currency"] = currency,
                },
                ["mchid"] = options.MchId ?? MchId,
                ["trade_state"] = "SUCCESS",
                ["bank_type"] = "CMC",
                ["promotion_detail"] = new JsonArray(),
                ["success_time"] = Rfc3339(trade?.SuccessTime ?? now),
                ["payer"] = new JsonObject { ["openid"] = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
                ["out_trade_no"] = orderId,
                ["appid"] = options.AppId ?? AppId,
                ["trade_state_desc"] = "支付成功",
                ["trade_type"] = "NATIVE",
                ["attach"] = "",
            };
        }

        var nonce = Alphanumeric(12);
        var associatedData = originalType;
        var sealedBytes = Encrypt(Encoding.UTF8.GetBytes(resource.ToJsonString()), nonce, associatedData);
        if (options.TamperedCiphertext) sealedBytes[0] ^= 0x01;
        var body = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["create_time"] = Rfc3339(now),
            ["resource_type"] = "encrypt-resource",
            ["event_type"] = eventType,
            ["summary"] = summary,
            ["resource"] = new JsonObject
            {
                ["original_type"] = originalType,
                ["algorithm"] = "AEAD_AES_256_GCM",
                ["ciphertext"] = Convert.ToBase64String(sealedBytes),
                ["associated_data"] = associatedData,
                ["nonce"] = nonce,
            },
        }.ToJsonString();

        var bodyBytes = Encoding.UTF8.GetBytes(body);
        var timestamp = (options.Stale ? now.AddMinutes(-10) : now).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signatureNonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var signature = Sign(timestamp, signatureNonce, bodyBytes);
        if (options.BadSignature) signature = Sign(timestamp, signatureNonce, Encoding.UTF8.GetBytes(body + " "));
        var request = new HttpRequestMessage(HttpMethod.Post, notifyUrl) { Content = new ByteArrayContent(bodyBytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Wechatpay-Nonce", signatureNonce);
        request.Headers.TryAddWithoutValidation("Wechatpay-Timestamp", timestamp);
        request.Headers.TryAddWithoutValidation("Wechatpay-Serial", PlatformPublicKeyId);
        request.Headers.TryAddWithoutValidation("Wechatpay-Signature", signature);
        request.Headers.TryAddWithoutValidation("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
        request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/4.0");
        return request;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        // As sent, not unescaped: what Tollgate signed.
        var pathAndQuery = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget;
        var verified = Verifies(request.Method, pathAndQuery, request.Headers.Authorization.ToString(), body);
        _requests.Enqueue(new FakeWeChatPayRequest(request.Method, pathAndQuery,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            Encoding.UTF8.GetString(body), verified));

        var (status, answer) = verified ? Answer(request.Method, request.Path.Value ?? "", request.Query["mchid"].ToString(), body)
            : Error(401, "SIGN_ERROR", "错误的签名，验签失败");
        var answerBytes = answer is null ? [] : Encoding.UTF8.GetBytes(answer.ToJsonString());
        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var serial = PlatformPublicKeyId;
        var signature = Sign(timestamp, nonce, answerBytes);
        var fault = _faults.TryDequeue(out var spoiled) ? spoiled : (FakeWeChatPayAnswerFault?)null;
        switch (fault)
        {
            case FakeWeChatPayAnswerFault.BadSignature: signature = Sign(timestamp, nonce, [.. answerBytes, (byte)' ']); break;
            case FakeWeChatPayAnswerFault.WrongSerial: serial = "PUB_KEY_ID_0119000091912025120600000000000002"; break;
            case FakeWeChatPayAnswerFault.Stale:
                timestamp = _clock.GetUtcNow().AddMinutes(-6).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                signature = Sign(timestamp, nonce, answerBytes);
                break;
        }

        var response = context.Response;
        response.StatusCode = status;
        response.Headers["Request-ID"] = $"08F4D8{Interlocked.Increment(ref _sequence):D10}";
        if (fault != FakeWeChatPayAnswerFault.Unsigned)
        {
            response.Headers["Wechatpay-Nonce"] = nonce;
            response.Headers["Wechatpay-Timestamp"] = timestamp;
            response.Headers["Wechatpay-Serial"] = serial;
            response.Headers["Wechatpay-Signature"] = signature;
            response.Headers["Wechatpay-Signature-Type"] = "WECHATPAY2-SHA256-RSA2048";
        }
        if (answer is null) return;
        response.ContentType = "application/json; charset=utf-8";
        await response.Body.WriteAsync(answerBytes);
    }

    /// <summary>WeChat Pay's check of a request: its mchid and serial_no, and its signature under the merchant's public key.</summary>
    private bool Verifies(string method, string pathAndQuery, string authorization, byte[] body)
    {
        const string scheme = "WECHATPAY2-SHA256-RSA2048 ";
        if (!authorization.StartsWith(scheme, StringComparison.Ordinal)) return false;
        var fields = new Dictionary<string, string>();
        foreach (var part in authorization[scheme.Length..].Split(','))
        {
            var equals = part.IndexOf('=');
            if (equals < 0 || part.Length < equals + 3 || part[equals + 1] != '"' || part[^1] != '"') return false;
            fields[part[..equals].Trim()] = part[(equals + 2)..^1];
        }
        if (fields.GetValueOrDefault("mchid") != MchId || fields.GetValueOrDefault("serial_no") != MerchantSerialNo) return false;
        if (fields.GetValueOrDefault("timestamp") is not { } timestamp || fields.GetValueOrDefault("nonce_str") is not { } nonce
            || fields.GetValueOrDefault("signature") is not { } signature) return false;
        var message = Encoding.UTF8.GetBytes($"{method}\n{pathAndQuery}\n{timestamp}\n{nonce}\n").Concat(body).Append((byte)'\n').ToArray();
        try
        {
            return MerchantPublicKey.VerifyData(
                message, Convert.FromBase64String(signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private (int Status, JsonObject? Body) Answer(string method, string path, string mchIdQuery, byte[] body)
    {
        if (_failures.TryDequeue(out var failure)) return Error(failure.Status, failure.Code, "The fake WeChat Pay failed on purpose.");
        JsonObject? json = null;
        if (body.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(body) as JsonObject;
            }
            catch (JsonException)
            {
                return Error(400, "PARAM_ERROR", "请求体不是合法的JSON");
            }
        }
        lock (_answering)
        {
            switch (method, path.Trim('/').Split('/'))
            {
                case ("POST", ["v3", "pay", "transactions", "native"]):
                    return NativeOrder(json, body);
                case ("GET", ["v3", "pay", "transactions", "out-trade-no", var orderId]):
                    _queries.AddOrUpdate(orderId, 1, (_, count) => count + 1);
                    if (mchIdQuery != MchId) return Error(400, "PARAM_ERROR", "mchid与请求商户号不一致");
                    return Trades.TryGetValue(orderId, out var trade) ? (200, Transaction(trade)) : Error(404, "ORDER_NOT_EXIST", "订单不存在");
                case ("POST", ["v3", "pay", "transactions", "out-trade-no", var orderId, "close"]):
                    _closes.AddOrUpdate(orderId, 1, (_, count) => count + 1);
                    if (Text(json, "mchid") != MchId) return Error(400, "PARAM_ERROR", "mchid与请求商户号不一致");
                    if (!Trades.TryGetValue(orderId, out var closing)) return Error(404, "ORDER_NOT_EXIST", "订单不存在");
                    if (closing.State is "SUCCESS" or "REFUND") return Error(400, "ORDERPAID", "订单已支付");
                    closing.State = "CLOSED";
                    return (204, null);
                case ("POST", ["v3", "refund", "domestic", "refunds"]):
                    return Refund(json);
                default:
                    return Error(404, "NOT_FOUND", "请求的资源不存在");
            }
        }
    }

    private (int, JsonObject?) NativeOrder(JsonObject? json, byte[] body)
    {
        if (Text(json, "appid") is not { } appId || Text(json, "mchid") is not { } mchId || Text(json, "description") is not { } description
            || Text(json, "out_trade_no") is not { } orderId || Text(json, "notify_url") is not { } notifyUrl
            || Text(json, "time_expire") is not { } timeExpire || json!["amount"]?["total"]?.GetValue<long>() is not { } total)
            return Error(400, "PARAM_ERROR", "缺少必填参数");
        if (mchId != MchId || appId != AppId) return Error(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配");
        var currency = Text(json["amount"] as JsonObject, "currency") ?? "CNY";
        if (total < 1 || currency != "CNY") return Error(400, "PARAM_ERROR", "订单金额或币种不合法");
        if (!DateTimeOffset.TryParseExact(timeExpire, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            return Error(400, "PARAM_ERROR", "time_expire格式不正确");
        var fingerprint = Encoding.UTF8.GetString(body);
        if (Trades.TryGetValue(orderId, out var existing))
            return existing.State switch
            {
                "SUCCESS" or "REFUND" => Error(400, "ORDERPAID", "该订单已支付"),
                "CLOSED" => Error(400, "ORDER_CLOSED", "订单已关闭"),
                _ when existing.Request != fingerprint => Error(400, "OUT_TRADE_NO_USED", "商户订单号重复"),
                _ => (200, new JsonObject { ["code_url"] = existing.CodeUrl }),
            };
        var trade = new FakeWeChatPayTrade
        {
            OutTradeNo = orderId, AppId = appId, Description = description, Total = total, Currency = currency, TimeExpire = timeExpire,
            NotifyUrl = notifyUrl, CodeUrl = $"weixin://wxpay/bizpayurl?pr={Alphanumeric(9)}", Request = fingerprint,
        };
        Trades[orderId] = trade;
        return (200, new JsonObject { ["code_url"] = trade.CodeUrl });
    }

    private JsonObject Transaction(FakeWeChatPayTrade trade)
    {
        var paid = trade.State is "SUCCESS" or "REFUND";
        var transaction = new JsonObject
        {
            ["appid"] = trade.AppId,
            ["mchid"] = MchId,
            ["out_trade_no"] = trade.OutTradeNo,
            ["trade_state"] = trade.State,
            ["trade_state_desc"] = trade.State switch
            {
                "SUCCESS" => "支付成功",
                "CLOSED" => "已关闭",
                "REFUND" => "转入退款",
                _ => "订单未支付",
            },
            ["amount"] = paid
                ? new JsonObject
                {
                    ["total"] = trade.Total, ["payer_total"] = trade.Total,
                    ["currency"] = trade.Currency, ["payer_currency"] = trade.Currency,
                }
                : new JsonObject { ["total"] = trade.Total, ["currency"] = trade.Currency },
        };
        if (!paid) return transaction;
        transaction["transaction_id"] = trade.TransactionId;
        transaction["trade_type"] = "NATIVE";
        transaction["bank_type"] = "CMC";
        transaction["attach"] = "";
        transaction["success_time"] = Rfc3339(trade.SuccessTime!.Value);
        transaction["payer"] = new JsonObject { ["openid"] = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" };
        return transaction;
    }

    private (int, JsonObject?) Refund(JsonObject? json)
    {
        if (Text(json, "out_trade_no") is not { } orderId || Text(json, "out_refund_no") is not { } refundNo
            || json!["amount"]?["refund"]?.GetValue<long>() is not { } amount || json["amount"]?["total"]?.GetValue<long>() is not { } total
            || Text(json["amount"] as JsonObject, "currency") != "CNY")
            return Error(400, "PARAM_ERROR", "缺少必填参数");
        if (Refunds.TryGetValue(refundNo, out var existing)) return (200, RefundAnswer(existing)); // one out_refund_no, one refund
        if (!Trades.TryGetValue(orderId, out var trade)) return Error(404, "RESOURCE_NOT_EXISTS", "订单不存在");
        if (trade.State is not ("SUCCESS" or "REFUND")) return Error(400, "INVALID_REQUEST", "订单未支付");
        if (total != trade.Total) return Error(400, "PARAM_ERROR", "订单金额与原订单不一致");
        var refunded = Refunds.Values.Where(r => r.OutTradeNo == orderId && r.Status is "SUCCESS" or "PROCESSING").Sum(r => r.Refund);
        if (amount < 1 || refunded + amount > trade.Total) return Error(400, "NOT_ENOUGH", "退款金额超过可退金额");
        var refund = new FakeWeChatPayRefund
        {
            OutRefundNo = refundNo, RefundId = $"50300{Interlocked.Increment(ref _sequence):D24}", OutTradeNo = orderId, Refund = amount,
            Total = total, Reason = Text(json, "reason") ?? "", NotifyUrl = Text(json, "notify_url") ?? "", Status = NextRefundStatus,
        };
        if (refund.Status == "SUCCESS") refund.SuccessTime = _clock.GetUtcNow();
        if (refund.Status is "SUCCESS" or "PROCESSING") trade.State = "REFUND";
        Refunds[refundNo] = refund;
        return (200, RefundAnswer(refund));
    }

    private JsonObject RefundAnswer(FakeWeChatPayRefund refund)
    {
        var trade = Trades[refund.OutTradeNo];
        return new JsonObject
        {
            ["refund_id"] = refund.RefundId,
            ["out_refund_no"] = refund.OutRefundNo,
            ["transaction_id"] = trade.TransactionId,
            ["out_trade_no"] = refund.OutTradeNo,
            ["channel"] = "ORIGINAL",
            ["user_received_account"] = "招商银行信用卡0403",
            ["success_time"] = refund.SuccessTime is { } at ? Rfc3339(at) : null,
            ["create_time"] = Rfc3339(_clock.GetUtcNow()),
            ["status"] = refund.Status,
            ["funds_account"] = "UNSETTLED",
            ["amount"] = new JsonObject
            {
                ["total"] = refund.Total, ["refund"] = refund.Refund, ["payer_total"] = refund.Total, ["payer_refund"] = refund.Refund,
                ["settlement_refund"] = refund.Refund, ["settlement_total"] = refund.Total, ["discount_refund"] = 0, ["currency"] = "CNY",
            },
        };
    }

    private static (int, JsonObject?) Error(int status, string code, string message) =>
        (status, new JsonObject { ["code"] = code, ["message"] = message });

    private static string? Text(JsonObject? json, string name) =>
        json?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private string Sign(string timestamp, string nonce, byte[] body) => Convert.ToBase64String(_platform.SignData(
        Encoding.UTF8.GetBytes($"{timestamp}\n{nonce}\n").Concat(body).Append((byte)'\n').ToArray(), HashAlgorithmName.SHA256,
        RSASignaturePadding.Pkcs1));

    private byte[] Encrypt(byte[] plaintext, string nonce, string associatedData)
    {
        var sealedBytes = new byte[plaintext.Length + 16];
        using var aes = new AesGcm(Encoding.ASCII.GetBytes(ApiV3Key), 16);
        aes.Encrypt(Encoding.UTF8.GetBytes(nonce), plaintext, sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length),
            Encoding.UTF8.GetBytes(associatedData));
        return sealedBytes;
    }

    private static string Rfc3339(DateTimeOffset at) =>
        at.ToOffset(s_beijing).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string Alphanumeric(int length) =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        MerchantPublicKey.Dispose();
    }
}

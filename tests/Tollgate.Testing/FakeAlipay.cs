using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Tollgate.Testing;

/// <summary>A trade the fake Alipay holds, created when the customer opens a signed page pay URL (<see cref="FakeAlipay.Open"/>).</summary>
public sealed class AlipayTrade
{
    public required string OutTradeNo { get; init; }
    public required string TradeNo { get; init; }
    public required string Method { get; init; }
    public required string ProductCode { get; init; }
    public required string TotalAmount { get; init; }
    public required string Subject { get; init; }
    public string? TimeExpire { get; init; }
    public string? NotifyUrl { get; init; }
    public string? ReturnUrl { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>WAIT_BUYER_PAY, TRADE_SUCCESS or TRADE_CLOSED.</summary>
    public string Status { get; internal set; } = "WAIT_BUYER_PAY";
    public DateTimeOffset? PaidAt { get; internal set; }
    public DateTimeOffset? ClosedAt { get; internal set; }

    /// <summary>What has been refunded of the trade in all, in yuan.</summary>
    public decimal Refunded { get; internal set; }
}

/// <summary>One refund the fake Alipay made (<c>alipay.trade.refund</c>), keyed by trade and <c>out_request_no</c>.</summary>
public sealed record AlipayRefund(string OutTradeNo, string OutRequestNo, decimal RefundAmount, string? Reason, DateTimeOffset At);

/// <summary>A request the fake gateway received: its parameters (query string and form together) and whether its sign verified.</summary>
public sealed record AlipayGatewayRequest(IReadOnlyDictionary<string, string> Parameters, bool SignatureVerified)
{
    public string? Method => Parameters.GetValueOrDefault("method");
    public JsonObject? BizContent => Parameters.TryGetValue("biz_content", out var json) ? JsonNode.Parse(json)?.AsObject() : null;
}

/// <summary>What <see cref="FakeAlipay.Notification"/> changes from a faithful paid notification.</summary>
public sealed record AlipayNotificationOptions
{
    /// <summary>Another total_amount than the trade's ("0.01"...).</summary>
    public string? TotalAmount { get; init; }
    public string? AppId { get; init; }
    /// <summary>Signed with a key that is not Alipay's.</summary>
    public bool BadSignature { get; init; }
    /// <summary>TRADE_SUCCESS (default), TRADE_FINISHED, TRADE_CLOSED, WAIT_BUYER_PAY.</summary>
    public string TradeStatus { get; init; } = "TRADE_SUCCESS";
    /// <summary>A refund's notification: this refund's out_request_no as out_biz_no, and <see cref="RefundFee"/>.</summary>
    public string? RefundId { get; init; }
    /// <summary>The trade's refunded total (default: what the fake refunded of it, or the whole amount).</summary>
    public string? RefundFee { get; init; }
}

/// <summary>
/// Alipay's Open Platform gateway, played locally on 127.0.0.1 by Kestrel for tests. It holds an RSA key pair of its own
/// (Alipay's) and the merchant application's pair (whose private key it hands out in <see cref="Configuration"/>),
/// verifies every request's RSA2 signature with the merchant's public key (answering <c>40002 isv.invalid-signature</c>
/// when it fails), knows a trade once its page pay URL is opened (<see cref="Open"/>), answers <c>alipay.trade.query</c>,
/// <c>.close</c>, <c>.refund</c> and <c>.fastpay.refund.query</c> as Alipay's documentation shows, each answer signed over
/// its response node, and builds notifications signed as Alipay signs them.
/// </summary>
public sealed class FakeAlipay : IAsyncDisposable
{
    public const string GatewayPath = "/gateway.do";

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly WebApplication _app;
    private readonly RSA _alipayKey = RSA.Create(2048);
    private readonly RSA _merchantKey = RSA.Create(2048);
    private readonly TimeProvider _clock;
    private readonly ConcurrentQueue<AlipayGatewayRequest> _requests = new();
    private readonly ConcurrentDictionary<string, int> _queries = new();
    private readonly ConcurrentDictionary<string, int> _closes = new();
    private readonly ConcurrentQueue<int> _failures = new();
    private readonly ConcurrentQueue<JsonObject> _refusals = new();
    private readonly Lock _trading = new();
    private int _corruptNext;
    private long _sequence;

    /// <summary>Trades by out_trade_no (Tollgate's order id).</summary>
    public ConcurrentDictionary<string, AlipayTrade> Trades { get; } = new();

    /// <summary>Refunds by "out_trade_no/out_request_no".</summary>
    public ConcurrentDictionary<string, AlipayRefund> Refunds { get; } = new();

    public IReadOnlyList<AlipayGatewayRequest> Requests => _requests.ToArray();

    public string AppId { get; }
    public Uri BaseAddress { get; }
    public Uri Gateway => new(BaseAddress, GatewayPath);

    /// <summary>The merchant application's private key, PEM (PKCS#8), as a merchant keeps it.</summary>
    public string MerchantPrivateKeyPem => _merchantKey.ExportPkcs8PrivateKeyPem();

    /// <summary>Alipay's public key as the console shows it: the bare base64 of its SubjectPublicKeyInfo.</summary>
    public string AlipayPublicKeyBase64 => Convert.ToBase64String(_alipayKey.ExportSubjectPublicKeyInfo());

    /// <summary>The <c>Alipay:*</c> settings for Tollgate: this gateway, the app id, the merchant's private key, Alipay's public key.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>
    {
        ["Alipay:AppId"] = AppId,
        ["Alipay:PrivateKey"] = MerchantPrivateKeyPem,
        ["Alipay:AlipayPublicKey"] = AlipayPublicKeyBase64,
        ["Alipay:Gateway"] = Gateway.AbsoluteUri,
    };

    private FakeAlipay(WebApplication app, Uri baseAddress, string appId, TimeProvider clock)
    {
        _app = app;
        BaseAddress = baseAddress;
        AppId = appId;
        _clock = clock;
    }

    /// <param name="clock">The fake's time for payment and refund times (a test's moved clock); the system's by default.</param>
    public static async Task<FakeAlipay> StartAsync(string appId = "2021000000000001", TimeProvider? clock = null)
    {
        var app = LoopbackApp.Create();
        FakeAlipay? fake = null;
        app.Run(async context => await fake!.HandleAsync(context));
        await app.StartAsync();
        fake = new FakeAlipay(app, new Uri(app.Urls.Single()), appId, clock ?? TimeProvider.System);
        return fake;
    }

    /// <summary>
    /// The customer's browser opens <paramref name="payUrl"/> at the cashier: its signature is verified with the merchant's public
    /// key as the gateway does, and the trade it describes is created (once; opening it again finds the same trade). A URL that
    /// does not verify, or describes no valid trade, throws with Alipay's error code.
    /// </summary>
    public AlipayTrade Open(Uri payUrl)
    {
        var parameters = QueryHelpers.ParseQuery(payUrl.Query).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        if (!Verify(parameters, _merchantKey))
            throw new InvalidOperationException("isv.invalid-signature: the pay URL's sign does not verify.");
        if (parameters.GetValueOrDefault("app_id") != AppId) throw new InvalidOperationException("isv.invalid-app-id");
        var method = parameters.GetValueOrDefault("method");
        var expectedProduct = method switch
        {
            "alipay.trade.page.pay" => "FAST_INSTANT_TRADE_PAY",
            "alipay.trade.wap.pay" => "QUICK_WAP_WAY",
            _ => throw new InvalidOperationException($"isv.invalid-method: {method} is not a page pay method."),
        };
        var biz = JsonNode.Parse(parameters.GetValueOrDefault("biz_content") ?? "null")?.AsObject()
            ?? throw new InvalidOperationException("isv.missing-biz-content");
        string Required(string name) => biz[name]?.GetValue<string>() is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"isv.missing-{name.Replace('_', '-')}");
        if (Required("product_code") != expectedProduct) throw new InvalidOperationException("isv.invalid-product-code");
        if (!decimal.TryParse(Required("total_amount"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            || amount < 0.01m || decimal.Round(amount, 2) != amount)
            throw new InvalidOperationException("isv.invalid-total-amount");
        lock (_trading)
        {
            var outTradeNo = Required("out_trade_no");
            if (Trades.TryGetValue(outTradeNo, out var existing)) return existing;
            var trade = new AlipayTrade
            {
                OutTradeNo = outTradeNo,
                TradeNo = $"2026{_clock.GetUtcNow():MMdd}2200{Interlocked.Increment(ref _sequence):D14}",
                Method = method!,
                ProductCode = expectedProduct,
                TotalAmount = Required("total_amount"),
                Subject = Required("subject"),
                TimeExpire = biz["time_expire"]?.GetValue<string>(),
                NotifyUrl = parameters.GetValueOrDefault("notify_url"),
                ReturnUrl = parameters.GetValueOrDefault("return_url"),
                CreatedAt = _clock.GetUtcNow(),
            };
            Trades[outTradeNo] = trade;
            return trade;
        }
    }

    /// <summary>The customer pays the trade (opened before with <see cref="Open"/>): queries answer TRADE_SUCCESS from now on.</summary>
    public AlipayTrade Pay(string orderId) => Change(orderId, "TRADE_SUCCESS", trade => trade.PaidAt = _clock.GetUtcNow());

    /// <summary>Alipay closes the unpaid trade (its time_expire passed, or the customer gave up).</summary>
    public AlipayTrade Close(string orderId) => Change(orderId, "TRADE_CLOSED", trade => trade.ClosedAt = _clock.GetUtcNow());

    private AlipayTrade Change(string orderId, string status, Action<AlipayTrade> stamp)
    {
        lock (_trading)
        {
            if (!Trades.TryGetValue(orderId, out var trade))
                throw new InvalidOperationException($"The fake Alipay holds no trade {orderId}: open its pay URL first (Open).");
            if (trade.Status != "WAIT_BUYER_PAY")
                throw new InvalidOperationException($"The trade {orderId} is {trade.Status}, not waiting for the buyer.");
            trade.Status = status;
            stamp(trade);
            return trade;
        }
    }

    public int QueryCount(string orderId) => _queries.GetValueOrDefault(orderId);

    public int CloseCount(string orderId) => _closes.GetValueOrDefault(orderId);

    public IReadOnlyList<AlipayRefund> RefundsOf(string orderId) =>
        Refunds.Values.Where(r => r.OutTradeNo == orderId).OrderBy(r => r.At).ToList();

    /// <summary>The next <paramref name="times"/> gateway requests answer HTTP <paramref name="status"/>, unsigned.</summary>
    public void FailNext(int status, int times = 1)
    {
        for (var i = 0; i < times; i++) _failures.Enqueue(status);
    }

    /// <summary>The next gateway request (with a good signature) is answered with this error, signed: <c>40004</c>
    /// <c>ACQ.SYSTEM_ERROR</c>, say, as Alipay answers when its own system fails.</summary>
    public void RefuseNext(string code, string subCode, string subMessage = "系统错误") =>
        _refusals.Enqueue(Error(code, code == "40004" ? "Business Failed" : "Service Currently Unavailable", subCode, subMessage));

    /// <summary>The next gateway answer carries a sign that does not verify (as a tampered answer would).</summary>
    public void CorruptNextAnswer() => Interlocked.Exchange(ref _corruptNext, 1);

    /// <summary>
    /// The asynchronous notification Alipay POSTs to <paramref name="notifyUrl"/> for <paramref name="orderId"/>, form-encoded and
    /// signed with Alipay's key over every parameter but sign and sign_type. By default a payment of the trade the fake holds
    /// (a trade it does not hold gets made-up details: a notification for an unknown order).
    /// </summary>
    public HttpRequestMessage Notification(Uri notifyUrl, string orderId, AlipayNotificationOptions? options = null)
    {
        options ??= new AlipayNotificationOptions();
        Trades.TryGetValue(orderId, out var trade);
        var now = _clock.GetUtcNow();
        var totalAmount = options.TotalAmount ?? trade?.TotalAmount ?? "0.01";
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["notify_time"] = ChinaTime(now),
            ["notify_type"] = "trade_status_sync",
            ["notify_id"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["charset"] = "utf-8",
            ["version"] = "1.0",
            ["sign_type"] = "RSA2",
            ["app_id"] = options.AppId ?? AppId,
            ["auth_app_id"] = options.AppId ?? AppId,
            ["trade_no"] = trade?.TradeNo ?? $"2026{now:MMdd}2200{Interlocked.Increment(ref _sequence):D14}",
            ["out_trade_no"] = orderId,
            ["buyer_id"] = "2088102177846880",
            ["seller_id"] = "2088101106499364",
            ["trade_status"] = options.TradeStatus,
            ["total_amount"] = totalAmount,
            ["receipt_amount"] = totalAmount,
            ["buyer_pay_amount"] = totalAmount,
            ["subject"] = trade?.Subject ?? "Tollgate order",
            ["gmt_create"] = ChinaTime(trade?.CreatedAt ?? now),
        };
        if (options.TradeStatus is "TRADE_SUCCESS" or "TRADE_FINISHED" || options.RefundId is not null)
            parameters["gmt_payment"] = ChinaTime(trade?.PaidAt ?? now);
        if (options.TradeStatus == "TRADE_CLOSED") parameters["gmt_close"] = ChinaTime(trade?.ClosedAt ?? now);
        if (options.RefundId is not null)
        {
            parameters["out_biz_no"] = options.RefundId;
            parameters["refund_fee"] = options.RefundFee ?? (trade is { Refunded: > 0 } ? Yuan(trade.Refunded) : totalAmount);
            parameters["gmt_refund"] =
                now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
        }
        var content = Content(parameters, "sign", "sign_type");
        if (options.BadSignature)
        {
            using var stranger = RSA.Create(2048);
            parameters["sign"] = Sign(content, stranger);
        }
        else parameters["sign"] = Sign(content, _alipayKey);
        return new HttpRequestMessage(HttpMethod.Post, notifyUrl) { Content = new FormUrlEncodedContent(parameters) };
    }

    /// <summary>Alipay's string to sign: parameters with a value, less <paramref name="excluded"/>, sorted, name=value joined by &amp;.
    /// </summary>
    public static string Content(IEnumerable<KeyValuePair<string, string>> parameters, params string[] excluded) =>
        string.Join('&', parameters.Where(p => !excluded.Contains(p.Key) && p.Value.Length > 0)
            .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    public static string Sign(string content, RSA key) =>
        Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <summary>Verifies an answer of this gateway: <c>sign</c> over the response node's exact text, with Alipay's key.</summary>
    public bool VerifyAnswer(string body, string method)
    {
        using var document = JsonDocument.Parse(body);
        var node = document.RootElement.GetProperty(method.Replace('.', '_') + "_response").GetRawText();
        return document.RootElement.TryGetProperty("sign", out var sign) && _alipayKey.VerifyData(Encoding.UTF8.GetBytes(node),
            Convert.FromBase64String(sign.GetString()!), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private static bool Verify(IReadOnlyDictionary<string, string> parameters, RSA merchantKey)
    {
        if (parameters.GetValueOrDefault("sign_type") != "RSA2" || parameters.GetValueOrDefault("sign") is not { } sign) return false;
        var signature = new byte[sign.Length];
        return Convert.TryFromBase64String(sign, signature, out var length) && merchantKey.VerifyData(
            Encoding.UTF8.GetBytes(Content(parameters, "sign")), signature.AsSpan(0, length), HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var parameters = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        if (request.HasFormContentType)
            foreach (var (key, value) in await request.ReadFormAsync()) parameters[key] = value.ToString();
        var verified = Verify(parameters, _merchantKey);
        _requests.Enqueue(new AlipayGatewayRequest(parameters, verified));
        if (_failures.TryDequeue(out var failure))
        {
            context.Response.StatusCode = failure;
            await context.Response.WriteAsync("The fake Alipay failed on purpose.");
            return;
        }
        var method = parameters.GetValueOrDefault("method");
        var node = request.Path != GatewayPath || request.Method != "POST"
            ? Error("40004", "Business Failed", "isv.invalid-request", "Not the gateway.")
            : !verified
                ? Error("40002", "Invalid Arguments", "isv.invalid-signature", "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配")
                : parameters.GetValueOrDefault("app_id") != AppId
                    ? Error("40002", "Invalid Arguments", "isv.invalid-app-id", "无效的AppID参数")
                    : _refusals.TryDequeue(out var refusal)
                        ? refusal
                        : Route(method, JsonNode.Parse(parameters.GetValueOrDefault("biz_content") ?? "{}")?.AsObject() ?? []);
        var nodeName = method is { Length: > 0 } known && node["sub_code"]?.GetValue<string>() != "isv.invalid-method"
            ? known.Replace('.', '_') + "_response"
            : "error_response";
        var nodeText = node.ToJsonString(Relaxed);
        var sign = Sign(Interlocked.Exchange(ref _corruptNext, 0) == 1 ? nodeText + " " : nodeText, _alipayKey);
        context.Response.ContentType = "text/html;charset=utf-8"; // what the gateway sends, JSON or not
        await context.Response.WriteAsync($"{{\"{nodeName}\":{nodeText},\"sign\":\"{sign}\"}}");
    }

    private JsonObject Route(string? method, JsonObject biz)
    {
        var outTradeNo = biz["out_trade_no"]?.GetValue<string>() ?? "";
        lock (_trading)
        {
            switch (method)
            {
                case "alipay.trade.query":
                    _queries.AddOrUpdate(outTradeNo, 1, (_, n) => n + 1);
                    if (!Trades.TryGetValue(outTradeNo, out var queried)) return NotExist();
                    var answer = Success(queried);
                    answer["buyer_logon_id"] = "159****5620";
                    answer["trade_status"] = queried.Status;
                    answer["total_amount"] = queried.TotalAmount;
                    if (queried.PaidAt is { } paidAt)
                    {
                        answer["send_pay_date"] = ChinaTime(paidAt);
                        answer["receipt_amount"] = queried.TotalAmount;
                        answer["buyer_pay_amount"] = queried.TotalAmount;
                        answer["buyer_user_id"] = "2088102177846880";
                    }
                    return answer;

                case "alipay.trade.close":
                    _closes.AddOrUpdate(outTradeNo, 1, (_, n) => n + 1);
                    if (!Trades.TryGetValue(outTradeNo, out var closing)) return NotExist();
                    if (closing.Status == "TRADE_SUCCESS") return Error("40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
                    if (closing.Status == "WAIT_BUYER_PAY")
                    {
                        closing.Status = "TRADE_CLOSED";
                        closing.ClosedAt = _clock.GetUtcNow();
                    }
                    return Success(closing);

                case "alipay.trade.refund":
                    return Refund(outTradeNo, biz);

                case "alipay.trade.fastpay.refund.query":
                    if (!Trades.TryGetValue(outTradeNo, out var refunded)) return NotExist();
                    var query = Success(refunded);
                    if (Refunds.TryGetValue($"{outTradeNo}/{biz["out_request_no"]?.GetValue<string>()}", out var made))
                    {
                        query["out_request_no"] = made.OutRequestNo;
                        query["total_amount"] = refunded.TotalAmount;
                        query["refund_amount"] = Yuan(made.RefundAmount);
                        query["refund_status"] = "REFUND_SUCCESS";
                        query["gmt_refund_pay"] = ChinaTime(made.At);
                    }
                    return query; // no refund_status: no such refund (Alipay's answer for one it does not know)

                default:
                    return Error("40002", "Invalid Arguments", "isv.invalid-method", "不存在的方法名");
            }
        }
    }

    private JsonObject Refund(string outTradeNo, JsonObject biz)
    {
        if (!Trades.TryGetValue(outTradeNo, out var trade)) return NotExist();
        if (biz["out_request_no"]?.GetValue<string>() is not { Length: > 0 } requestNo)
            return Error("40004", "Business Failed", "ACQ.INVALID_PARAMETER", "参数无效: out_request_no");
        if (!decimal.TryParse(biz["refund_amount"]?.GetValue<string>(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture,
                out var amount) || amount < 0.01m || decimal.Round(amount, 2) != amount)
            return Error("40004", "Business Failed", "ACQ.INVALID_PARAMETER", "参数无效: refund_amount");
        var key = $"{outTradeNo}/{requestNo}";
        var fundChange = "N";
        if (!Refunds.ContainsKey(key))
        {
            if (trade.Status != "TRADE_SUCCESS") return Error("40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
            var total = decimal.Parse(trade.TotalAmount, CultureInfo.InvariantCulture);
            if (trade.Refunded + amount > total) return Error("40004", "Business Failed", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
            Refunds[key] = new AlipayRefund(outTradeNo, requestNo, amount, biz["refund_reason"]?.GetValue<string>(), _clock.GetUtcNow());
            trade.Refunded += amount;
            if (trade.Refunded == total) trade.Status = "TRADE_CLOSED"; // refunded in full, as Alipay shows such a trade
            fundChange = "Y";
        }
        var answer = Success(trade);
        answer["buyer_logon_id"] = "159****5620";
        answer["fund_change"] = fundChange;
        answer["refund_fee"] = Yuan(trade.Refunded);
        answer["gmt_refund_pay"] = ChinaTime(Refunds[key].At);
        return answer;
    }

    private static JsonObject Success(AlipayTrade trade) => new()
    {
        ["code"] = "10000", ["msg"] = "Success", ["trade_no"] = trade.TradeNo, ["out_trade_no"] = trade.OutTradeNo,
    };

    private static JsonObject NotExist() => Error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在");

    private static JsonObject Error(string code, string msg, string subCode, string subMsg) => new()
    {
        ["code"] = code, ["msg"] = msg, ["sub_code"] = subCode, ["sub_msg"] = subMsg,
    };

    private static string Yuan(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static string ChinaTime(DateTimeOffset at) =>
        at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _alipayKey.Dispose();
        _merchantKey.Dispose();
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Api.Payments.Orders;
using Tollgate.Testing;

namespace Tollgate.Api.Tests;

/// <summary>
/// WeChat Pay's calls through real HTTP: the provider, registered as the silo registers it, against a fake WeChat Pay API that
/// verifies each request's signature with the merchant's public key and signs its answers with its own platform key.
/// </summary>
public sealed class WeChatPayTests : IAsyncLifetime
{
    private static readonly Uri NotifyUrl = new("https://tollgate.example.com/v1/webhooks/wechatpay");
    private FakeWeChatPay _fake = null!;
    private ServiceProvider _services = null!;
    private IOrderPaymentProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeWeChatPay.StartAsync();
        _services = WeChatPayProviders.Services(_fake.Configuration);
        _provider = _services.Provider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private static OrderPaymentRequest Order(string orderId, long amount = 8800) => new(
        orderId, "Pro plan, 3 months", amount, "cny", new DateTimeOffset(2026, 12, 6, 12, 15, 0, TimeSpan.Zero), OrderChannel.Pc, NotifyUrl,
        null);

    private static readonly CancellationToken Cancel = CancellationToken.None;

    [Fact]
    public async Task A_native_order_is_signed_as_documented_sends_the_documented_body_and_answers_the_code_url()
    {
        var start = await _provider.StartAsync(Order("ord_native1"), Cancel);

        Assert.Null(start.PayUrl);
        Assert.Matches("^weixin://wxpay/bizpayurl\\?pr=[A-Za-z0-9]+$", start.CodeUrl);
        var request = Assert.Single(_fake.Requests);
        Assert.True(request.SignatureVerified);
        Assert.Equal(("POST", "/v3/pay/transactions/native"), (request.Method, request.PathAndQuery));
        Assert.Matches(AuthorizationPattern(_fake.MerchantSerialNo), request.Header("Authorization"));
        Assert.Equal("application/json", request.Header("Accept"));
        Assert.False(string.IsNullOrEmpty(request.Header("User-Agent")));
        using var body = JsonDocument.Parse(request.Body);
        var order = body.RootElement;
        Assert.Equal(FakeWeChatPay.AppId, order.GetProperty("appid").GetString());
        Assert.Equal(FakeWeChatPay.MchId, order.GetProperty("mchid").GetString());
        Assert.Equal("Pro plan, 3 months", order.GetProperty("description").GetString());
        Assert.Equal("ord_native1", order.GetProperty("out_trade_no").GetString());
        Assert.Equal("2026-12-06T20:15:00+08:00", order.GetProperty("time_expire").GetString()); // Beijing time, RFC 3339
        Assert.Equal(NotifyUrl.AbsoluteUri, order.GetProperty("notify_url").GetString());
        Assert.Equal(8800, order.GetProperty("amount").GetProperty("total").GetInt64());
        Assert.Equal("CNY", order.GetProperty("amount").GetProperty("currency").GetString());
        var trade = _fake.Trades["ord_native1"];
        Assert.Equal((8800L, "NOTPAY", start.CodeUrl), (trade.Total, trade.State, trade.CodeUrl));
    }

    [Fact]
    public async Task The_same_order_started_twice_gets_the_same_code_url()
    {
        var first = await _provider.StartAsync(Order("ord_twice"), Cancel);
        var second = await _provider.StartAsync(Order("ord_twice"), Cancel);

        Assert.Equal(first.CodeUrl, second.CodeUrl);
        Assert.Single(_fake.Trades);
    }

    [Fact]
    public async Task A_request_signed_with_another_merchant_key_is_refused_by_WeChat_Pay_with_SIGN_ERROR()
    {
        using var otherKey = RSA.Create(2048);
        var settings = new Dictionary<string, string?>(_fake.Configuration)
        {
            ["WeChatPay:MerchantPrivateKey"] = otherKey.ExportPkcs8PrivateKeyPem(),
        };
        await using var services = WeChatPayProviders.Services(settings);

        var failure = await Assert.ThrowsAsync<OrderProviderException>(() => services.Provider().StartAsync(Order("ord_badkey"), Cancel));

        Assert.Equal(("wechatpay", "SIGN_ERROR", false), (failure.Provider, failure.Code, failure.IsTransient));
        Assert.False(Assert.Single(_fake.Requests).SignatureVerified);
        Assert.Empty(_fake.Trades);
    }

    [Theory]
    [InlineData(FakeWeChatPayAnswerFault.BadSignature)]
    [InlineData(FakeWeChatPayAnswerFault.WrongSerial)]
    [InlineData(FakeWeChatPayAnswerFault.Stale)]
    [InlineData(FakeWeChatPayAnswerFault.Unsigned)]
    public async Task An_answer_that_does_not_verify_is_not_trusted(FakeWeChatPayAnswerFault fault)
    {
        _fake.SpoilNextAnswer(fault);

        var failure = await Assert.ThrowsAsync<OrderProviderException>(() => _provider.StartAsync(Order("ord_spoiled"), Cancel));

        Assert.Equal(("untrusted_answer", false), (failure.Code, failure.IsTransient));
        // The same call with an honest answer goes through: the refusal was the answer's, not the request's.
        Assert.NotNull((await _provider.StartAsync(Order("ord_spoiled"), Cancel)).CodeUrl);
    }

    [Fact]
    public async Task A_spoiled_answer_to_a_query_is_not_believed_even_when_it_says_paid()
    {
        await _provider.StartAsync(Order("ord_spoiledquery"), Cancel);
        _fake.Pay("ord_spoiledquery");
        _fake.SpoilNextAnswer(FakeWeChatPayAnswerFault.WrongSerial);

        var failure = await Assert.ThrowsAsync<OrderProviderException>(() => _provider.QueryAsync("ord_spoiledquery", Cancel));

        Assert.Equal("untrusted_answer", failure.Code);
    }

    [Fact]
    public async Task An_unsigned_not_found_is_taken_as_not_found_and_a_badly_signed_one_is_not_trusted()
    {
        _fake.SpoilNextAnswer(FakeWeChatPayAnswerFault.Unsigned);
        var unsigned = await _provider.QueryAsync("ord_missing", Cancel);
        _fake.SpoilNextAnswer(FakeWeChatPayAnswerFault.BadSignature);
        var badlySigned = await Assert.ThrowsAsync<OrderProviderException>(() => _provider.QueryAsync("ord_missing", Cancel));

        Assert.Equal(OrderPaymentState.NotFound, unsigned.State);
        Assert.Equal("untrusted_answer", badlySigned.Code);
    }

    [Fact]
    public async Task A_query_follows_the_trade_from_unpaid_to_paid_and_refunded()
    {
        await _provider.StartAsync(Order("ord_query", 1200), Cancel);

        var pending = await _provider.QueryAsync("ord_query", Cancel);
        var trade = _fake.Pay("ord_query");
        var paid = await _provider.QueryAsync("ord_query", Cancel);
        await _provider.RefundAsync(
            new OrderRefundRequest("ord_query", "ref_query", 1200, 1200, "cny", "customer asked", NotifyUrl), Cancel);
        var refunded = await _provider.QueryAsync("ord_query", Cancel);

        Assert.Equal(new OrderPaymentQuery(OrderPaymentState.Pending, null, null, null, null), pending);
        Assert.Equal(OrderPaymentState.Paid, paid.State);
        Assert.Equal((trade.TransactionId, 1200L, "cny"), (paid.ProviderTradeNo, paid.AmountMinor, paid.Currency));
        // WeChat Pay answers to the second, in Beijing time.
        Assert.Equal(trade.SuccessTime!.Value.ToUnixTimeSeconds(), paid.PaidAt!.Value.ToUnixTimeSeconds());
        Assert.Equal(OrderPaymentState.Refunded, refunded.State);
        Assert.Equal(3, _fake.QueryCount("ord_query"));
        Assert.All(_fake.Requests.Where(r => r.Method == "GET"), r =>
        {
            Assert.Equal($"/v3/pay/transactions/out-trade-no/ord_query?mchid={FakeWeChatPay.MchId}", r.PathAndQuery);
            Assert.True(r.SignatureVerified); // the query string is part of what is signed
            Assert.Equal("", r.Body);
        });
    }

    [Fact]
    public async Task A_query_for_a_trade_WeChat_Pay_does_not_have_answers_not_found_and_a_closed_one_closed()
    {
        await _provider.StartAsync(Order("ord_closedquery"), Cancel);
        _fake.Close("ord_closedquery");

        Assert.Equal(OrderPaymentState.NotFound, (await _provider.QueryAsync("ord_unknown", Cancel)).State);
        Assert.Equal(OrderPaymentState.Closed, (await _provider.QueryAsync("ord_closedquery", Cancel)).State);
        Assert.Equal(1, _fake.QueryCount("ord_unknown"));
    }

    [Fact]
    public async Task Close_closes_the_trade_counts_an_unknown_one_as_closed_and_refuses_a_paid_one()
    {
        await _provider.StartAsync(Order("ord_close"), Cancel);
        await _provider.StartAsync(Order("ord_paidclose"), Cancel);
        _fake.Pay("ord_paidclose");

        await _provider.CloseAsync("ord_close", Cancel);
        await _provider.CloseAsync("ord_never", Cancel);
        var paid = await Assert.ThrowsAsync<OrderProviderException>(() => _provider.CloseAsync("ord_paidclose", Cancel));

        Assert.Equal("CLOSED", _fake.Trades["ord_close"].State);
        Assert.Equal((1, 1), (_fake.CloseCount("ord_close"), _fake.CloseCount("ord_never")));
        Assert.Equal(("ORDERPAID", false), (paid.Code, paid.IsTransient));
        Assert.Equal("SUCCESS", _fake.Trades["ord_paidclose"].State);
        var close = _fake.Requests.First(r => r.PathAndQuery == "/v3/pay/transactions/out-trade-no/ord_close/close");
        Assert.Equal($$"""{"mchid":"{{FakeWeChatPay.MchId}}"}""", close.Body);
        Assert.True(close.SignatureVerified);
    }

    [Fact]
    public async Task A_refund_sends_the_documented_body_and_the_same_refund_id_refunds_once()
    {
        await _provider.StartAsync(Order("ord_refund", 3000), Cancel);
        _fake.Pay("ord_refund");
        var request = new OrderRefundRequest("ord_refund", "ref_1", 1000, 3000, "cny", "duplicate purchase", NotifyUrl);

        var first = await _provider.RefundAsync(request, Cancel);
        var again = await _provider.RefundAsync(request, Cancel);

        var refund = Assert.Single(_fake.Refunds.Values);
        Assert.Equal(new OrderRefundOutcome(OrderRefundState.Succeeded, refund.RefundId, first.At, null), first);
        Assert.Equal(first, again);
        Assert.Equal(refund.SuccessTime!.Value.ToUnixTimeSeconds(), first.At!.Value.ToUnixTimeSeconds());
        Assert.Equal((1000L, 3000L, "duplicate purchase"), (refund.Refund, refund.Total, refund.Reason));
        using var body = JsonDocument.Parse(_fake.Requests.Last(r => r.PathAndQuery == "/v3/refund/domestic/refunds").Body);
        var sent = body.RootElement;
        Assert.Equal(("ord_refund", "ref_1", NotifyUrl.AbsoluteUri), (sent.GetProperty("out_trade_no").GetString(),
            sent.GetProperty("out_refund_no").GetString(), sent.GetProperty("notify_url").GetString()));
        var amount = sent.GetProperty("amount");
        Assert.Equal((1000L, 3000L, "CNY"),
            (amount.GetProperty("refund").GetInt64(), amount.GetProperty("total").GetInt64(), amount.GetProperty("currency").GetString()));
    }

    [Theory]
    [InlineData("PROCESSING", OrderRefundState.Processing)]
    [InlineData("ABNORMAL", OrderRefundState.Failed)]
    public async Task A_refund_WeChat_Pay_has_not_finished_or_could_not_make_says_so(string status, OrderRefundState expected)
    {
        await _provider.StartAsync(Order("ord_refundstate"), Cancel);
        _fake.Pay("ord_refundstate");
        _fake.NextRefundStatus = status;

        var outcome = await _provider.RefundAsync(
            new OrderRefundRequest("ord_refundstate", "ref_state", 8800, 8800, "cny", "refund", NotifyUrl), Cancel);

        Assert.Equal(expected, outcome.State);
        Assert.Equal(_fake.Refunds["ref_state"].RefundId, outcome.ProviderRefundId);
        Assert.Null(outcome.At);
    }

    [Fact]
    public async Task A_refund_beyond_what_was_paid_is_refused_with_WeChat_Pays_code()
    {
        await _provider.StartAsync(Order("ord_toomuch", 500), Cancel);
        _fake.Pay("ord_toomuch");
        await _provider.RefundAsync(new OrderRefundRequest("ord_toomuch", "ref_a", 400, 500, "cny", "part", NotifyUrl), Cancel);

        var failure = await Assert.ThrowsAsync<OrderProviderException>(() =>
            _provider.RefundAsync(new OrderRefundRequest("ord_toomuch", "ref_b", 200, 500, "cny", "more", NotifyUrl), Cancel));

        Assert.Equal(("NOT_ENOUGH", false), (failure.Code, failure.IsTransient));
        Assert.Single(_fake.Refunds.Values);
    }

    [Theory]
    [InlineData(500, "SYSTEM_ERROR", true)]
    [InlineData(429, "FREQUENCY_LIMITED", true)]
    [InlineData(502, "BAD_GATEWAY", true)]
    [InlineData(400, "PARAM_ERROR", false)]
    [InlineData(403, "NO_AUTH", false)]
    public async Task A_failure_carries_WeChat_Pays_code_and_whether_a_retry_may_succeed(int status, string code, bool transient)
    {
        _fake.FailNext(status, code);

        var failure = await Assert.ThrowsAsync<OrderProviderException>(() => _provider.QueryAsync("ord_failing", Cancel));

        Assert.Equal((code, transient), (failure.Code, failure.IsTransient));
    }

    [Fact]
    public async Task WeChat_Pay_out_of_reach_is_a_transient_network_failure()
    {
        var port = FreePorts.Next(); // reserved for this process and bound by nobody
        var settings = new Dictionary<string, string?>(_fake.Configuration) { ["WeChatPay:ApiBase"] = $"http://127.0.0.1:{port}/" };
        await using var services = WeChatPayProviders.Services(settings);

        var failure = await Assert.ThrowsAsync<OrderProviderException>(() => services.Provider().QueryAsync("ord_unreachable", Cancel));

        Assert.Equal(("network", true), (failure.Code, failure.IsTransient));
    }

    [Fact]
    public async Task An_order_in_another_currency_is_refused_before_anything_is_sent()
    {
        var failure = await Assert.ThrowsAsync<OrderProviderException>(() =>
            _provider.StartAsync(Order("ord_usd") with { Currency = "usd" }, Cancel));

        Assert.Equal("currency_not_supported", failure.Code);
        Assert.Empty(_fake.Requests);
    }

    private static string AuthorizationPattern(string serialNo) =>
        "^WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\",nonce_str=\"[0-9A-F]{32}\",signature=\"[A-Za-z0-9+/]+={0,2}\"," +
        $"timestamp=\"[0-9]{{10}}\",serial_no=\"{Regex.Escape(serialNo)}\"$";

    [Fact]
    public void The_signature_string_of_the_documentations_example_request_is_built_byte_for_byte()
    {
        // WeChat Pay's 签名生成 guide: GET /v3/certificates at 1554208460 with nonce 593BEC0C930BF1AFEB40B4A08C8FB242 and no body
        // gives this string. The guide publishes the string and the header's layout but not the merchant's private key, so no
        // signature value can be checked against it; the fake WeChat Pay checks signatures instead.
        var message = Payments.WeChatPay.WeChatPaySignature.RequestMessage(
            "GET", "/v3/certificates", 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242", []);
        var header = Payments.WeChatPay.WeChatPaySignature.Authorization(
            "1900009191", "SERIAL", 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242", "SIGNATURE");

        Assert.Equal("GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n", Encoding.UTF8.GetString(message));
        Assert.Equal("WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\",nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\"," +
            "signature=\"SIGNATURE\",timestamp=\"1554208460\",serial_no=\"SERIAL\"", header);
    }
}

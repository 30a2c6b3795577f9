using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tollgate.Api.Extensions;
using Tollgate.Api.Payments.Alipay;
using Tollgate.Api.Payments.Orders;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Api.Tests;

/// <summary>
/// The Alipay provider as the silo registers it (<c>AddAlipay</c>), talking real HTTP to the fake gateway, which verifies
/// its requests with the merchant's public key and signs its answers with Alipay's key; notifications read as ASP.NET reads
/// the form Alipay posts.
/// </summary>
public sealed class AlipayProviderTests : IAsyncLifetime
{
    private static readonly Uri NotifyUrl = new("https://tollgate.example/v1/webhooks/alipay");
    private static readonly Uri ReturnUrl = new("https://app.example/paid");

    // 16:15 UTC is 00:15 the next day in China: the time written must be China's.
    private readonly FixedClock _clock = new(new DateTimeOffset(2026, 12, 6, 16, 2, 3, TimeSpan.Zero));
    private FakeAlipay _alipay = null!;
    private ServiceProvider _services = null!;
    private IOrderPaymentProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _alipay = await FakeAlipay.StartAsync(clock: _clock);
        (_services, _provider) = Provider(_alipay.Configuration);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _alipay.DisposeAsync();
    }

    private (ServiceProvider Services, IOrderPaymentProvider Provider) Provider(IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddKeyedSingleton<TimeProvider>(DomainClock.Key, _clock)
            .AddAlipay(configuration).BuildServiceProvider();
        services.GetRequiredService<IStartupValidator>().Validate(); // what the host runs at start
        return (services, services.GetServices<IOrderPaymentProvider>().Single(p => p.Name == "alipay"));
    }

    private OrderPaymentRequest Order(string orderId, OrderChannel channel = OrderChannel.Pc, long amount = 8800) =>
        new(orderId, "专业版 Pro × 3", amount, "cny", new DateTimeOffset(2026, 12, 6, 16, 15, 0, TimeSpan.Zero), channel, NotifyUrl,
            ReturnUrl);

    private static Dictionary<string, string> Parameters(Uri url) =>
        QueryHelpers.ParseQuery(url.Query).ToDictionary(p => p.Key, p => p.Value.ToString());

    [Fact]
    public async Task The_pc_pay_url_is_the_gateway_with_every_parameter_signed_and_the_gateway_accepts_it()
    {
        var start = await _provider.StartAsync(Order("ord_pc"), CancellationToken.None);

        Assert.Null(start.CodeUrl);
        var payUrl = Assert.IsType<Uri>(start.PayUrl);
        Assert.Equal(_alipay.Gateway.GetLeftPart(UriPartial.Path), payUrl.GetLeftPart(UriPartial.Path));
        var parameters = Parameters(payUrl);
        Assert.Equal("alipay.trade.page.pay", parameters["method"]);
        Assert.Equal(_alipay.AppId, parameters["app_id"]);
        Assert.Equal("JSON", parameters["format"]);
        Assert.Equal("utf-8", parameters["charset"]);
        Assert.Equal("RSA2", parameters["sign_type"]);
        Assert.Equal("1.0", parameters["version"]);
        Assert.Equal("2026-12-07 00:02:03", parameters["timestamp"]);
        Assert.Equal(NotifyUrl.AbsoluteUri, parameters["notify_url"]);
        Assert.Equal(ReturnUrl.AbsoluteUri, parameters["return_url"]);
        var biz = JsonNode.Parse(parameters["biz_content"])!.AsObject();
        Assert.Equal("ord_pc", (string?)biz["out_trade_no"]);
        Assert.Equal("88.00", (string?)biz["total_amount"]);
        Assert.Equal("专业版 Pro × 3", (string?)biz["subject"]);
        Assert.Equal("FAST_INSTANT_TRADE_PAY", (string?)biz["product_code"]);
        Assert.Equal("2026-12-07 00:15:00", (string?)biz["time_expire"]);
        Assert.Equal(5, biz.Count);

        var trade = _alipay.Open(payUrl);
        Assert.Equal(("ord_pc", "88.00", "WAIT_BUYER_PAY"), (trade.OutTradeNo, trade.TotalAmount, trade.Status));
        Assert.Equal(NotifyUrl.AbsoluteUri, trade.NotifyUrl);
    }

    [Fact]
    public async Task The_h5_pay_url_asks_for_the_mobile_web_cashier()
    {
        var payUrl = (await _provider.StartAsync(Order("ord_h5", OrderChannel.H5, amount: 1), CancellationToken.None)).PayUrl!;

        var parameters = Parameters(payUrl);
        Assert.Equal("alipay.trade.wap.pay", parameters["method"]);
        var biz = JsonNode.Parse(parameters["biz_content"])!.AsObject();
        Assert.Equal("QUICK_WAP_WAY", (string?)biz["product_code"]);
        Assert.Equal("0.01", (string?)biz["total_amount"]);
        Assert.Equal("QUICK_WAP_WAY", _alipay.Open(payUrl).ProductCode);
    }

    [Fact]
    public async Task A_tampered_pay_url_is_refused_by_the_gateway()
    {
        var payUrl = (await _provider.StartAsync(Order("ord_tampered"), CancellationToken.None)).PayUrl!;
        var parameters = Parameters(payUrl);
        parameters["biz_content"] = parameters["biz_content"].Replace("88.00", "0.01", StringComparison.Ordinal);
        var tampered = new Uri(QueryHelpers.AddQueryString(payUrl.GetLeftPart(UriPartial.Path), parameters!));

        var refusal = Assert.Throws<InvalidOperationException>(() => _alipay.Open(tampered));
        Assert.StartsWith("isv.invalid-signature", refusal.Message);
        Assert.Empty(_alipay.Trades);
    }

    [Fact]
    public async Task A_query_follows_the_trade_from_unopened_to_paid()
    {
        var payUrl = (await _provider.StartAsync(Order("ord_query"), CancellationToken.None)).PayUrl!;

        var unopened = await _provider.QueryAsync("ord_query", CancellationToken.None);
        Assert.Equal(OrderPaymentState.NotFound, unopened.State);

        var trade = _alipay.Open(payUrl);
        var pending = await _provider.QueryAsync("ord_query", CancellationToken.None);
        Assert.Equal((OrderPaymentState.Pending, trade.TradeNo), (pending.State, pending.ProviderTradeNo));
        Assert.Null(pending.AmountMinor);

        _clock.Advance(TimeSpan.FromMinutes(1));
        _alipay.Pay("ord_query");
        var paid = await _provider.QueryAsync("ord_query", CancellationToken.None);
        Assert.Equal(OrderPaymentState.Paid, paid.State);
        Assert.Equal((8800L, "cny", trade.TradeNo), (paid.AmountMinor!.Value, paid.Currency, paid.ProviderTradeNo));
        Assert.Equal(_clock.GetUtcNow(), paid.PaidAt);

        Assert.Equal(3, _alipay.QueryCount("ord_query"));
        Assert.All(_alipay.Requests, r => Assert.True(r.SignatureVerified));
    }

    [Fact]
    public async Task Closing_an_unopened_trade_counts_as_closed_and_an_opened_one_is_closed_at_alipay()
    {
        await _provider.CloseAsync("ord_never_opened", CancellationToken.None);
        Assert.Equal(1, _alipay.CloseCount("ord_never_opened"));

        _alipay.Open((await _provider.StartAsync(Order("ord_close"), CancellationToken.None)).PayUrl!);
        await _provider.CloseAsync("ord_close", CancellationToken.None);

        Assert.Equal("TRADE_CLOSED", _alipay.Trades["ord_close"].Status);
        Assert.Equal(1, _alipay.CloseCount("ord_close"));
        Assert.Equal(OrderPaymentState.Closed, (await _provider.QueryAsync("ord_close", CancellationToken.None)).State);
    }

    [Fact]
    public async Task A_paid_trade_cannot_be_closed()
    {
        _alipay.Open((await _provider.StartAsync(Order("ord_paid_close"), CancellationToken.None)).PayUrl!);
        _alipay.Pay("ord_paid_close");

        var refusal = await Assert.ThrowsAsync<OrderProviderException>(
            () => _provider.CloseAsync("ord_paid_close", CancellationToken.None));

        Assert.Equal(("alipay", "ACQ.TRADE_STATUS_ERROR", false), (refusal.Provider, refusal.Code, refusal.IsTransient));
        Assert.Equal("TRADE_SUCCESS", _alipay.Trades["ord_paid_close"].Status);
    }

    [Fact]
    public async Task Refunds_are_made_once_per_refund_id_and_never_beyond_what_was_paid()
    {
        _alipay.Open((await _provider.StartAsync(Order("ord_refund"), CancellationToken.None)).PayUrl!);
        _alipay.Pay("ord_refund");
        OrderRefundRequest Refund(string id, long amount) => new("ord_refund", id, amount, 8800, "cny", "asked by the customer", NotifyUrl);

        var first = await _provider.RefundAsync(Refund("ref_1", 3000), CancellationToken.None);
        Assert.Equal(OrderRefundState.Succeeded, first.State);
        Assert.Equal(_clock.GetUtcNow(), first.At);
        var again = await _provider.RefundAsync(Refund("ref_1", 3000), CancellationToken.None); // fund_change N: asked again
        Assert.Equal(OrderRefundState.Succeeded, again.State);
        var tooMuch = await _provider.RefundAsync(Refund("ref_2", 5801), CancellationToken.None);
        Assert.Equal(OrderRefundState.Failed, tooMuch.State);
        Assert.StartsWith("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", tooMuch.FailureReason);

        var made = Assert.Single(_alipay.RefundsOf("ord_refund"));
        Assert.Equal(("ref_1", 30.00m, "asked by the customer"), (made.OutRequestNo, made.RefundAmount, made.Reason));
        Assert.Contains(_alipay.Requests, r => r.Method == "alipay.trade.fastpay.refund.query");
    }

    [Fact]
    public async Task An_answer_whose_signature_does_not_verify_is_not_trusted()
    {
        _alipay.Open((await _provider.StartAsync(Order("ord_forged"), CancellationToken.None)).PayUrl!);
        _alipay.Pay("ord_forged");
        _alipay.CorruptNextAnswer();

        var refusal = await Assert.ThrowsAsync<OrderProviderException>(() => _provider.QueryAsync("ord_forged", CancellationToken.None));

        Assert.Equal(("bad_signature", false), (refusal.Code, refusal.IsTransient));
        Assert.Equal(OrderPaymentState.Paid, (await _provider.QueryAsync("ord_forged", CancellationToken.None)).State);
    }

    [Fact]
    public async Task Answers_signed_with_another_key_than_the_configured_Alipay_public_key_are_not_trusted()
    {
        using var stranger = RSA.Create(2048);
        var settings = new Dictionary<string, string?>(_alipay.Configuration)
        {
            ["Alipay:AlipayPublicKey"] = stranger.ExportSubjectPublicKeyInfoPem(),
        };
        var (services, provider) = Provider(settings);
        await using var _ = services;

        var refusal = await Assert.ThrowsAsync<OrderProviderException>(() => provider.QueryAsync("ord_any", CancellationToken.None));

        Assert.Equal("bad_signature", refusal.Code);
    }

    [Fact]
    public async Task The_gateway_refuses_a_request_signed_with_another_merchant_key()
    {
        using var stranger = RSA.Create(2048);
        var settings = new Dictionary<string, string?>(_alipay.Configuration) { ["Alipay:PrivateKey"] = stranger.ExportRSAPrivateKeyPem() };
        var (services, provider) = Provider(settings);
        await using var _ = services;

        var refusal = await Assert.ThrowsAsync<OrderProviderException>(() => provider.QueryAsync("ord_any", CancellationToken.None));

        Assert.Equal(("isv.invalid-signature", false), (refusal.Code, refusal.IsTransient));
        Assert.False(_alipay.Requests.Single().SignatureVerified);
    }

    [Fact]
    public async Task A_gateway_failure_is_transient()
    {
        _alipay.FailNext(502);

        var failure = await Assert.ThrowsAsync<OrderProviderException>(() => _provider.QueryAsync("ord_any", CancellationToken.None));

        Assert.Equal(("http_502", true), (failure.Code, failure.IsTransient));
    }

    [Theory]
    [InlineData("40004", "ACQ.SYSTEM_ERROR", true)]
    [InlineData("20000", "isp.unknow-error", true)]
    [InlineData("40004", "ACQ.INVALID_PARAMETER", false)]
    public async Task Alipays_system_errors_are_transient_and_its_refusals_are_not(string code, string subCode, bool transient)
    {
        _alipay.RefuseNext(code, subCode);

        var failure = await Assert.ThrowsAsync<OrderProviderException>(() => _provider.CloseAsync("ord_any", CancellationToken.None));

        Assert.Equal((subCode, transient), (failure.Code, failure.IsTransient));
    }

    [Fact]
    public async Task The_private_key_may_be_a_file_as_Alipays_key_tool_writes_it()
    {
        var path = Path.GetTempFileName();
        try
        {
            using var merchant = RSA.Create();
            merchant.ImportFromPem(_alipay.MerchantPrivateKeyPem);
            await File.WriteAllTextAsync(path, Convert.ToBase64String(merchant.ExportRSAPrivateKey())); // bare PKCS#1 base64
            var (services, provider) = Provider(new Dictionary<string, string?>(_alipay.Configuration) { ["Alipay:PrivateKey"] = path });
            await using var _ = services;

            var payUrl = (await provider.StartAsync(Order("ord_file"), CancellationToken.None)).PayUrl!;

            Assert.Equal("ord_file", _alipay.Open(payUrl).OutTradeNo);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_paid_notification_is_verified_and_read_exactly()
    {
        _alipay.Open((await _provider.StartAsync(Order("ord_notified", amount: 123450), CancellationToken.None)).PayUrl!);
        var trade = _alipay.Pay("ord_notified");

        var verdict = await ReadAsync(_alipay.Notification(NotifyUrl, "ord_notified"));

        Assert.Null(verdict.Refusal);
        Assert.Equal(new OrderNotification(OrderNotificationKind.Paid, "ord_notified", trade.TradeNo, 123450, "cny", _clock.GetUtcNow()),
            verdict.Notification);
    }

    [Fact]
    public async Task Closed_and_refund_notifications_are_read_as_such()
    {
        _alipay.Open((await _provider.StartAsync(Order("ord_refunded"), CancellationToken.None)).PayUrl!);
        _alipay.Pay("ord_refunded");

        var closed = await ReadAsync(
            _alipay.Notification(NotifyUrl, "ord_refunded", new AlipayNotificationOptions { TradeStatus = "TRADE_CLOSED" }));
        var refunded = await ReadAsync(_alipay.Notification(NotifyUrl, "ord_refunded",
            new AlipayNotificationOptions { RefundId = "ref_9", RefundFee = "12.5" }));

        Assert.Equal(OrderNotificationKind.Closed, closed.Notification!.Kind);
        Assert.Equal((OrderNotificationKind.Refunded, 1250L, "ref_9"),
            (refunded.Notification!.Kind, refunded.Notification.AmountMinor, refunded.Notification.RefundId));
    }

    [Fact]
    public async Task A_notification_with_a_bad_signature_is_refused()
    {
        var verdict = await ReadAsync(_alipay.Notification(NotifyUrl, "ord_x", new AlipayNotificationOptions { BadSignature = true }));

        Assert.Equal(("bad_signature", null), (verdict.Refusal, verdict.Notification));
    }

    [Fact]
    public async Task A_notification_for_another_app_is_refused_though_its_signature_is_good()
    {
        var verdict = await ReadAsync(
            _alipay.Notification(NotifyUrl, "ord_x", new AlipayNotificationOptions { AppId = "2021000000009999" }));

        Assert.Equal(("app_id_mismatch", null), (verdict.Refusal, verdict.Notification));
    }

    [Theory]
    [InlineData("1.234")]
    [InlineData("abc")]
    [InlineData("-1")]
    public async Task A_signed_notification_with_an_amount_that_does_not_read_is_malformed(string amount)
    {
        var verdict = await ReadAsync(_alipay.Notification(NotifyUrl, "ord_x", new AlipayNotificationOptions { TotalAmount = amount }));

        Assert.Equal("malformed", verdict.Refusal);
        Assert.Contains("total_amount", verdict.RefusalDetail);
    }

    [Fact]
    public async Task A_body_that_is_not_a_form_is_malformed()
    {
        using var json = new HttpRequestMessage(HttpMethod.Post, NotifyUrl)
        {
            Content = new StringContent("""{"trade_status":"TRADE_SUCCESS"}"""),
        };
        json.Content.Headers.ContentType = new("application/json");

        var verdict = await ReadAsync(json);

        Assert.Equal("malformed", verdict.Refusal);
    }

    [Theory]
    [InlineData(OrderNotificationAnswer.Applied, "success")]
    [InlineData(OrderNotificationAnswer.Refused, "success")]
    [InlineData(OrderNotificationAnswer.RetryLater, "failure")]
    public async Task Alipay_is_answered_success_unless_it_should_retry(OrderNotificationAnswer answer, string text)
    {
        var context = new DefaultHttpContext { RequestServices = _services, Response = { Body = new MemoryStream() } };

        await _provider.AnswerNotification(answer).ExecuteAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.StartsWith("text/plain", context.Response.ContentType);
        context.Response.Body.Position = 0;
        Assert.Equal(text, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    private async Task<OrderNotificationVerdict> ReadAsync(HttpRequestMessage notification)
    {
        using (notification)
        {
            var context = new DefaultHttpContext();
            context.Request.Method = "POST";
            context.Request.ContentType = notification.Content!.Headers.ContentType!.ToString();
            context.Request.Body = new MemoryStream(await notification.Content.ReadAsByteArrayAsync());
            return await _provider.ReadNotificationAsync(context.Request, CancellationToken.None);
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}

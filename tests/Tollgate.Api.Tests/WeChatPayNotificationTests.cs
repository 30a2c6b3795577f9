using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Api.Payments.Orders;
using Tollgate.Testing;

namespace Tollgate.Api.Tests;

/// <summary>
/// WeChat Pay's notifications as the provider reads them: built, signed and encrypted by the fake WeChat Pay as WeChat Pay sends
/// them, read from the request the webhook route receives, and answered as WeChat Pay expects.
/// </summary>
public sealed class WeChatPayNotificationTests : IAsyncLifetime
{
    private static readonly Uri NotifyUrl = new("https://tollgate.example.com/v1/webhooks/wechatpay");
    private readonly OffsetTimeProvider _clock = new();
    private FakeWeChatPay _fake = null!;
    private ServiceProvider _services = null!;
    private IOrderPaymentProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeWeChatPay.StartAsync();
        _services = WeChatPayProviders.Services(_fake.Configuration, _clock);
        _provider = _services.Provider();
        var expires = DateTimeOffset.UtcNow.AddMinutes(15);
        await _provider.StartAsync(new OrderPaymentRequest("ord_n1", "Pro plan", 8800, "cny", expires, OrderChannel.Pc, NotifyUrl, null),
            CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private async Task<OrderNotificationVerdict> ReadAsync(HttpRequestMessage message)
    {
        using (message)
        {
            var context = new DefaultHttpContext();
            var request = context.Request;
            request.Method = message.Method.Method;
            request.Scheme = message.RequestUri!.Scheme;
            request.Host = new HostString(message.RequestUri.Authority);
            request.Path = message.RequestUri.AbsolutePath;
            foreach (var (name, values) in message.Headers.Concat(message.Content!.Headers)) request.Headers[name] = values.ToArray();
            request.Body = new MemoryStream(await message.Content.ReadAsByteArrayAsync());
            return await _provider.ReadNotificationAsync(request, CancellationToken.None);
        }
    }

    private OrderNotificationVerdict Refused(string reason, OrderNotificationVerdict verdict)
    {
        Assert.Null(verdict.Notification);
        Assert.Equal(reason, verdict.Refusal);
        Assert.False(string.IsNullOrEmpty(verdict.RefusalDetail));
        return verdict;
    }

    [Fact]
    public async Task A_paid_notification_reads_as_the_trade_paid()
    {
        var trade = _fake.Pay("ord_n1");

        var verdict = await ReadAsync(_fake.Notification(NotifyUrl, "ord_n1"));

        Assert.Null(verdict.Refusal);
        var paid = verdict.Notification!;
        Assert.Equal((OrderNotificationKind.Paid, "ord_n1", trade.TransactionId, 8800L, "cny", (string?)null),
            (paid.Kind, paid.OrderId, paid.ProviderTradeNo, paid.AmountMinor, paid.Currency, paid.RefundId));
        Assert.Equal(trade.SuccessTime!.Value.ToUnixTimeSeconds(), paid.OccurredAt.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Another_amount_reads_as_that_amount_for_the_order_to_refuse()
    {
        var verdict = await ReadAsync(_fake.Notification(NotifyUrl, "ord_n1", new FakeWeChatPayNotificationOptions(Amount: 1)));

        Assert.Equal(1L, verdict.Notification!.AmountMinor);
    }

    [Fact]
    public async Task A_bad_signature_is_refused()
    {
        Refused("bad_signature",
            await ReadAsync(_fake.Notification(NotifyUrl, "ord_n1", new FakeWeChatPayNotificationOptions(BadSignature: true))));
    }

    [Fact]
    public async Task A_notification_signed_for_another_platform_key_id_is_refused()
    {
        var message = _fake.Notification(NotifyUrl, "ord_n1");
        message.Headers.Remove("Wechatpay-Serial");
        message.Headers.TryAddWithoutValidation("Wechatpay-Serial", "PUB_KEY_ID_0119000091912025120600000000000009");

        Refused("bad_signature", await ReadAsync(message));
    }

    [Fact]
    public async Task A_notification_without_its_signature_headers_is_refused()
    {
        var message = _fake.Notification(NotifyUrl, "ord_n1");
        message.Headers.Remove("Wechatpay-Signature");

        Refused("bad_signature", await ReadAsync(message));
    }

    [Fact]
    public async Task A_stale_notification_is_refused()
    {
        Refused("stale", await ReadAsync(_fake.Notification(NotifyUrl, "ord_n1", new FakeWeChatPayNotificationOptions(Stale: true))));
    }

    [Fact]
    public async Task A_notification_more_than_five_minutes_from_Tollgates_clock_is_stale_either_way()
    {
        var late = _fake.Notification(NotifyUrl, "ord_n1");
        var early = _fake.Notification(NotifyUrl, "ord_n1");
        var onTime = _fake.Notification(NotifyUrl, "ord_n1");

        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Null((await ReadAsync(onTime)).Refusal);
        _clock.Advance(TimeSpan.FromMinutes(2));
        Refused("stale", await ReadAsync(late));
        _clock.Advance(TimeSpan.FromMinutes(-12));
        Refused("stale", await ReadAsync(early));
    }

    [Fact]
    public async Task A_notification_for_another_merchant_is_refused()
    {
        Refused("mch_id_mismatch",
            await ReadAsync(_fake.Notification(NotifyUrl, "ord_n1", new FakeWeChatPayNotificationOptions(MchId: "1900000109"))));
    }

    [Fact]
    public async Task A_notification_for_another_app_is_refused()
    {
        Refused("app_id_mismatch",
            await ReadAsync(_fake.Notification(NotifyUrl, "ord_n1", new FakeWeChatPayNotificationOptions(AppId: "wx0000000000000000"))));
    }

    [Fact]
    public async Task A_tampered_ciphertext_does_not_decrypt_and_is_refused()
    {
        Refused("decrypt_failed",
            await ReadAsync(_fake.Notification(NotifyUrl, "ord_n1", new FakeWeChatPayNotificationOptions(TamperedCiphertext: true))));
    }

    [Fact]
    public async Task A_resource_encrypted_under_another_APIv3_key_does_not_decrypt()
    {
        await using var other = await FakeWeChatPay.StartAsync();
        var settings = new Dictionary<string, string?>(_fake.Configuration) { ["WeChatPay:ApiV3Key"] = other.ApiV3Key };
        await using var services = WeChatPayProviders.Services(settings, _clock);
        _provider = services.Provider();

        Refused("decrypt_failed", await ReadAsync(_fake.Notification(NotifyUrl, "ord_n1")));
    }

    [Fact]
    public async Task A_refund_notification_reads_as_refunded_and_an_abnormal_one_as_failed()
    {
        _fake.Pay("ord_n1");
        var refund = await _provider.RefundAsync(
            new OrderRefundRequest("ord_n1", "ref_n1", 3000, 8800, "cny", "part", NotifyUrl), CancellationToken.None);

        var succeeded = await ReadAsync(_fake.Notification(NotifyUrl, "ord_n1", new FakeWeChatPayNotificationOptions(RefundId: "ref_n1")));
        var abnormal = await ReadAsync(_fake.Notification(NotifyUrl, "ord_n1",
            new FakeWeChatPayNotificationOptions(RefundId: "ref_n1", RefundStatus: "ABNORMAL")));
        var closed = await ReadAsync(_fake.Notification(NotifyUrl, "ord_n1",
            new FakeWeChatPayNotificationOptions(RefundId: "ref_n1", RefundStatus: "CLOSED")));

        Assert.Equal(OrderRefundState.Succeeded, refund.State);
        var refunded = succeeded.Notification!;
        Assert.Equal((OrderNotificationKind.Refunded, "ord_n1", "ref_n1", 3000L, "cny"),
            (refunded.Kind, refunded.OrderId, refunded.RefundId, refunded.AmountMinor, refunded.Currency));
        Assert.Equal((OrderNotificationKind.RefundFailed, "ref_n1"), (abnormal.Notification!.Kind, abnormal.Notification.RefundId));
        Assert.Equal(OrderNotificationKind.RefundFailed, closed.Notification!.Kind);
    }

    [Fact]
    public async Task A_refund_notification_for_another_merchant_is_refused()
    {
        Refused("mch_id_mismatch", await ReadAsync(_fake.Notification(NotifyUrl, "ord_n1",
            new FakeWeChatPayNotificationOptions(RefundId: "ref_other", MchId: "1900000109"))));
    }

    [Theory]
    [InlineData(OrderNotificationAnswer.Applied, 204)]
    [InlineData(OrderNotificationAnswer.Refused, 400)]
    [InlineData(OrderNotificationAnswer.RetryLater, 500)]
    public async Task Notifications_are_answered_as_WeChat_Pay_documents(OrderNotificationAnswer answer, int status)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        var body = new MemoryStream();
        context.Response.Body = body;

        await _provider.AnswerNotification(answer).ExecuteAsync(context);

        Assert.Equal(status, context.Response.StatusCode);
        if (answer == OrderNotificationAnswer.Applied)
        {
            Assert.Equal(0, body.Length);
            return;
        }
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(body.ToArray()));
        Assert.Equal("FAIL", json.RootElement.GetProperty("code").GetString());
        Assert.InRange(json.RootElement.GetProperty("message").GetString()!.Length, 1, 64);
    }
}

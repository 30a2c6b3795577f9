using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Identity;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Api.Tests;

/// <summary>
/// One silo with Alipay and WeChat Pay played by their fakes (real HTTP servers verifying Tollgate's signed requests), a catalog
/// with cny prices, and a clock the expiry tests move. Each test registers a tenant of its own and looks only at its orders.
/// </summary>
public sealed class OrdersApi : IAsyncLifetime
{
    public const string PublicBaseUrl = "http://tollgate.test/";

    private StorageTarget _storage = null!;

    public ApiFactory Api { get; private set; } = null!;
    public FakeAlipay Alipay { get; private set; } = null!;
    public FakeWeChatPay WeChat { get; private set; } = null!;
    public HttpClient Operator { get; private set; } = null!;
    public TestMailbox Mailbox { get; } = new();
    public OffsetTimeProvider Clock { get; } = new();

    public async Task InitializeAsync()
    {
        _storage = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        Alipay = await FakeAlipay.StartAsync(clock: Clock);
        WeChat = await FakeWeChatPay.StartAsync(Clock);
        var settings = Alipay.Configuration.Concat(WeChat.Configuration).ToDictionary();
        settings["Payments:PublicBaseUrl"] = PublicBaseUrl;
        settings["Payments:ReminderPeriod"] = "00:00:01"; // expired orders are looked at every second
        Api = new ApiFactory(_storage, Mailbox, Clock, settings);
        Operator = await CatalogFixture.CreateAsync(Api);
        await Created(Operator.PostAsJsonAsync("/v1/admin/plans", new
        {
            id = "cn-pro", name = "Pro (China)", priceMinor = 6_800, currency = "cny", interval = "month",
            quotas = new Dictionary<string, long> { [CatalogFixture.Messages] = 5_000 },
        }));
        await Created(Operator.PostAsJsonAsync("/v1/admin/credit-packs",
            new { id = "cn-pack", name = "1000 credits", credits = 1_000, priceMinor = 990, currency = "cny" }));
        await Created(Operator.PostAsJsonAsync("/v1/admin/credit-packs",
            new { id = "usd-pack", name = "USD credits", credits = 1_000, priceMinor = 500, currency = "usd" }));
    }

    private static async Task Created(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(response.StatusCode == HttpStatusCode.Created,
            $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Alipay.DisposeAsync();
        await WeChat.DisposeAsync();
        await _storage.DisposeAsync();
        await Mailbox.DisposeAsync();
    }
}

/// <summary>
/// Orders end to end: created from the catalog at both providers, paid by notification or by poll, exactly once under
/// duplicates, races and late notifications, refused notifications audited, expiry under a moved clock, refunds, tenants and roles.
/// </summary>
public sealed class OrderTests(OrdersApi shared) : ApiTestHelpers, IClassFixture<OrdersApi>
{
    private ApiFactory Api => shared.Api;
    private FakeAlipay Alipay => shared.Alipay;
    private FakeWeChatPay WeChat => shared.WeChat;
    private HttpClient Ops => shared.Operator;

    private static readonly Uri AlipayNotifyUrl = new("http://localhost/v1/webhooks/alipay");
    private static readonly Uri WeChatNotifyUrl = new("http://localhost/v1/webhooks/wechatpay");

    private async Task<(Account Owner, HttpClient Client)> TenantAsync(string name)
    {
        var owner = await Api.RegisterAsync($"{name}-{Guid.NewGuid():N}@example.com");
        return (owner, Api.As(owner.AccessToken));
    }

    private static async Task<HttpResponseMessage> OrderAsync(HttpClient client, Account owner, object body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{owner.TenantId}/orders")
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString("N"));
        return await client.SendAsync(request);
    }

    /// <summary>
    /// Creates the order; an Alipay order's pay URL is opened, as the customer's browser would, so the fake holds its trade.
    /// </summary>
    private async Task<JsonElement> CreatedOrderAsync(HttpClient client, Account owner, object body, string? key = null)
    {
        var response = await OrderAsync(client, owner, body, key);
        Assert.True(response.StatusCode == HttpStatusCode.Created,
            $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var order = await Json(response);
        if (order.GetProperty("payUrl").GetString() is { } payUrl) Alipay.Open(new Uri(payUrl));
        return order;
    }

    private static async Task<JsonElement> GetOrderAsync(HttpClient client, Account owner, string orderId)
    {
        var response = await client.GetAsync($"/v1/tenants/{owner.TenantId}/orders/{orderId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json(response);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage notification) => await Api.CreateClient().SendAsync(notification);

    /// <summary>The customer pays at the provider, which then notifies Tollgate.</summary>
    private async Task<HttpResponseMessage> PayAsync(string provider, string orderId)
    {
        if (provider == "alipay") Alipay.Pay(orderId); else WeChat.Pay(orderId);
        return await SendAsync(provider == "alipay" ? Alipay.Notification(AlipayNotifyUrl, orderId)
            : WeChat.Notification(WeChatNotifyUrl, orderId));
    }

    private static async Task<long> BalanceAsync(HttpClient client, Account owner) =>
        (await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/credits"))).GetProperty("balance").GetInt64();

    private static string Status(JsonElement order) => order.GetProperty("status").GetString()!;
    private static string Id(JsonElement order) => order.GetProperty("id").GetString()!;

    // ---- Creating ----

    [Fact]
    public async Task Orders_at_both_providers_take_the_catalogs_cny_price_and_give_a_pay_url_or_a_qr_code()
    {
        var (owner, client) = await TenantAsync("create");
        var response = await OrderAsync(client, owner, new { provider = "alipay", packId = "cn-pack" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var alipay = await Json(response);
        Assert.Equal($"/v1/tenants/{owner.TenantId}/orders/{Id(alipay)}", response.Headers.Location?.OriginalString);
        Assert.Equal(("alipay", 990L, "cny", "pending"),
            (alipay.GetProperty("provider").GetString(), alipay.GetProperty("amountMinor").GetInt64(),
                alipay.GetProperty("currency").GetString(), Status(alipay)));
        var payUrl = new Uri(alipay.GetProperty("payUrl").GetString()!);
        Assert.Equal(Alipay.Gateway.Authority, payUrl.Authority);
        Assert.Contains("out_trade_no", Uri.UnescapeDataString(payUrl.Query));
        Assert.Equal(JsonValueKind.Null, alipay.GetProperty("codeUrl").ValueKind);
        Assert.Equal(TimeSpan.FromMinutes(15),
            alipay.GetProperty("expiresAt").GetDateTimeOffset() - alipay.GetProperty("createdAt").GetDateTimeOffset());
        await AssertProblem(await client.GetAsync($"/v1/tenants/{owner.TenantId}/orders/{Id(alipay)}/qr.svg"), HttpStatusCode.NotFound,
            "not_found");

        var wechat = await CreatedOrderAsync(client, owner, new { provider = "wechatpay", planId = "cn-pro", periods = 3 });
        Assert.Equal((20_400L, "pending", 3),
            (wechat.GetProperty("amountMinor").GetInt64(), Status(wechat), wechat.GetProperty("periods").GetInt32()));
        var trade = WeChat.Trades[Id(wechat)];
        Assert.Equal((20_400L, trade.CodeUrl), (trade.Total, wechat.GetProperty("codeUrl").GetString()));
        Assert.Equal($"{OrdersApi.PublicBaseUrl}v1/webhooks/wechatpay", trade.NotifyUrl);
        var qr = await client.GetAsync($"/v1/tenants/{owner.TenantId}/orders/{Id(wechat)}/qr.svg");
        Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
        Assert.Equal("image/svg+xml", qr.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<svg", (await qr.Content.ReadAsStringAsync()).TrimStart());

        var listed = (await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/orders"))).EnumerateArray().Select(Id).ToList();
        Assert.Equal([Id(wechat), Id(alipay)], listed);
        var actions = await AuditActionsAsync(Ops, owner.TenantId);
        Assert.Equal(2, actions.Count(a => a == "order.created"));
        Assert.Equal(2, actions.Count(a => a == "order.started"));
    }

    [Fact]
    public async Task A_retry_under_the_same_key_replays_the_order_and_another_request_under_it_is_refused()
    {
        var (owner, client) = await TenantAsync("idempotent");
        var first = await CreatedOrderAsync(client, owner, new { provider = "wechatpay", packId = "cn-pack" }, key: "buy-1");
        var again = await OrderAsync(client, owner, new { provider = "wechatpay", packId = "cn-pack" }, key: "buy-1");
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((Id(first), first.GetProperty("codeUrl").GetString()),
            (Id(await Json(again)), (await Json(again)).GetProperty("codeUrl").GetString()));
        Assert.Single(WeChat.Requests,
            r => r.Method == "POST" && r.PathAndQuery == "/v3/pay/transactions/native" && r.Body.Contains(Id(first)));
        await AssertProblem(await OrderAsync(client, owner, new { provider = "wechatpay", planId = "cn-pro" }, key: "buy-1"),
            HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        // Another tenant's key of the same name is its own order.
        var (other, otherClient) = await TenantAsync("idempotent-other");
        Assert.NotEqual(Id(first),
            Id(await CreatedOrderAsync(otherClient, other, new { provider = "wechatpay", packId = "cn-pack" }, key: "buy-1")));
    }

    [Fact]
    public async Task Bad_orders_are_refused_before_anything_is_stored()
    {
        var (owner, client) = await TenantAsync("bad");
        foreach (var body in new object[]
        {
            new { provider = "paypal", packId = "cn-pack" },
            new { provider = "alipay", planId = "cn-pro", packId = "cn-pack" },
            new { provider = "alipay" },
            new { provider = "alipay", planId = "cn-pro", periods = 0 },
            new { provider = "alipay", planId = "cn-pro", periods = 37 },
            new { provider = "alipay", packId = "cn-pack", periods = 2 },
            new { provider = "wechatpay", packId = "cn-pack", channel = "h5" },
            new { provider = "alipay", packId = "cn-pack", channel = "app" },
        })
            await AssertProblem(await OrderAsync(client, owner, body), HttpStatusCode.BadRequest, "validation_failed");
        var noKey = await client.PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/orders", new { provider = "alipay", packId = "cn-pack" });
        await AssertProblem(noKey, HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await OrderAsync(client, owner, new { provider = "alipay", packId = "usd-pack" }),
            HttpStatusCode.UnprocessableEntity, "no_cny_price");
        await AssertProblem(await OrderAsync(client, owner, new { provider = "alipay", planId = "pro" }),
            HttpStatusCode.UnprocessableEntity, "no_cny_price");
        await AssertProblem(await OrderAsync(client, owner, new { provider = "alipay", planId = "nope" }),
            HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/orders"))).EnumerateArray());
    }

    // ---- Paying ----

    [Fact]
    public async Task A_notification_pays_a_pack_order_once_and_duplicates_change_nothing()
    {
        var (owner, client) = await TenantAsync("notified");
        foreach (var provider in new[] { "alipay", "wechatpay" })
        {
            var order = await CreatedOrderAsync(client, owner, new { provider, packId = "cn-pack" });
            var before = await BalanceAsync(client, owner);
            await AssertAppliedAsync(provider, await PayAsync(provider, Id(order)));
            await AssertAppliedAsync(provider, await SendAsync(provider == "alipay" ? Alipay.Notification(AlipayNotifyUrl, Id(order))
                : WeChat.Notification(WeChatNotifyUrl, Id(order))));
            var paid = await GetOrderAsync(client, owner, Id(order));
            Assert.Equal(("paid", true), (Status(paid), paid.GetProperty("fulfilled").GetBoolean()));
            Assert.Equal(before + 1_000, await BalanceAsync(client, owner));
            var payment = (await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/payments"))).EnumerateArray()
                .Single(p => p.GetProperty("id").GetString() == Id(order));
            Assert.Equal((provider, "succeeded", 990L, "cny"),
                (payment.GetProperty("provider").GetString(), payment.GetProperty("status").GetString(),
                    payment.GetProperty("amount").GetInt64(), payment.GetProperty("currency").GetString()));
        }
        var actions = await AuditActionsAsync(Ops, owner.TenantId);
        Assert.Equal(2, actions.Count(a => a == "order.paid"));
        Assert.Equal(2, actions.Count(a => a == "order.fulfilled"));
    }

    private static async Task AssertAppliedAsync(string provider, HttpResponseMessage answer)
    {
        if (provider == "alipay")
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("success", await answer.Content.ReadAsStringAsync());
        }
        else Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
    }

    private static async Task AssertRefusedAsync(string provider, HttpResponseMessage answer)
    {
        // Alipay is answered success for what it must not send again; what changed is read from the order and the audit log.
        if (provider == "alipay") Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        else Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
    }

    [Fact]
    public async Task A_polled_order_asks_its_provider_at_most_every_five_seconds_and_is_paid_by_its_answer()
    {
        var (owner, client) = await TenantAsync("polled");
        foreach (var provider in new[] { "alipay", "wechatpay" })
        {
            var order = await CreatedOrderAsync(client, owner, new { provider, packId = "cn-pack" });
            var before = await BalanceAsync(client, owner);
            int Queries() => provider == "alipay" ? Alipay.QueryCount(Id(order)) : WeChat.QueryCount(Id(order));
            Assert.Equal("pending", Status(await GetOrderAsync(client, owner, Id(order))));
            Assert.Equal("pending", Status(await GetOrderAsync(client, owner, Id(order))));
            Assert.Equal(1, Queries());
            if (provider == "alipay") Alipay.Pay(Id(order)); else WeChat.Pay(Id(order));
            shared.Clock.Advance(TimeSpan.FromSeconds(5));
            var paid = await GetOrderAsync(client, owner, Id(order));
            Assert.Equal((2, "paid", true), (Queries(), Status(paid), paid.GetProperty("fulfilled").GetBoolean()));
            Assert.Equal(before + 1_000, await BalanceAsync(client, owner));
            // The notification that follows is a duplicate.
            await AssertAppliedAsync(provider, await SendAsync(provider == "alipay" ? Alipay.Notification(AlipayNotifyUrl, Id(order))
                : WeChat.Notification(WeChatNotifyUrl, Id(order))));
            Assert.Equal(before + 1_000, await BalanceAsync(client, owner));
            Assert.Equal(2, Queries()); // a paid order asks no more
        }
    }

    [Fact]
    public async Task Twenty_notifications_and_twenty_polls_at_once_grant_the_pack_once()
    {
        var (owner, client) = await TenantAsync("race");
        var order = await CreatedOrderAsync(client, owner, new { provider = "wechatpay", packId = "cn-pack" });
        WeChat.Pay(Id(order));
        var calls = Enumerable.Range(0, 20).Select(_ => SendAsync(WeChat.Notification(WeChatNotifyUrl, Id(order))))
            .Concat(Enumerable.Range(0, 20).Select(_ => client.GetAsync($"/v1/tenants/{owner.TenantId}/orders/{Id(order)}")));
        var answers = await Task.WhenAll(calls);
        Assert.All(answers, a => Assert.True(a.IsSuccessStatusCode, $"{(int)a.StatusCode}"));
        Assert.Equal(1_000, await BalanceAsync(client, owner));
        var ledger = (await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/credits/ledger?kind=grant"))).GetProperty("items")
            .EnumerateArray().Where(e => e.GetProperty("source").GetString() == "purchase").ToList();
        Assert.Single(ledger);
        var actions = await AuditActionsAsync(Ops, owner.TenantId);
        Assert.Equal((1, 1), (actions.Count(a => a == "order.paid"), actions.Count(a => a == "order.fulfilled")));
    }

    [Fact]
    public async Task A_paid_plan_order_extends_the_prepaid_subscription_by_its_periods_once_under_duplicates_and_polls()
    {
        var (owner, client) = await TenantAsync("plan");
        var order = await CreatedOrderAsync(client, owner, new { provider = "alipay", planId = "cn-pro", periods = 2, channel = "h5" });
        Assert.Equal(13_600, order.GetProperty("amountMinor").GetInt64());
        await AssertAppliedAsync("alipay", await PayAsync("alipay", Id(order)));
        var paid = await GetOrderAsync(client, owner, Id(order));
        Assert.Equal(("paid", true), (Status(paid), paid.GetProperty("fulfilled").GetBoolean()));
        Assert.Contains((await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/payments"))).EnumerateArray(),
            p => p.GetProperty("id").GetString() == Id(order) && p.GetProperty("amount").GetInt64() == 13_600);
        var subscription = await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/subscription"));
        Assert.Equal(("cn-pro", "prepaid"),
            (subscription.GetProperty("planId").GetString(), subscription.GetProperty("source").GetString()));
        var paidThrough = subscription.GetProperty("paidThrough").GetDateTimeOffset();
        Assert.Equal(subscription.GetProperty("currentPeriodStart").GetDateTimeOffset().AddMonths(2), paidThrough);

        // One more period, reported 20 times by notification and asked 20 times by polls at once: it extends once.
        var more = await CreatedOrderAsync(client, owner, new { provider = "wechatpay", planId = "cn-pro", periods = 1 });
        WeChat.Pay(Id(more));
        var calls = Enumerable.Range(0, 20).Select(_ => SendAsync(WeChat.Notification(WeChatNotifyUrl, Id(more))))
            .Concat(Enumerable.Range(0, 20).Select(_ => client.GetAsync($"/v1/tenants/{owner.TenantId}/orders/{Id(more)}")));
        Assert.All(await Task.WhenAll(calls), a => Assert.True(a.IsSuccessStatusCode, $"{(int)a.StatusCode}"));
        var extended = await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/subscription"));
        Assert.Equal(paidThrough.AddMonths(1), extended.GetProperty("paidThrough").GetDateTimeOffset());
        Assert.Equal(1, (await AuditActionsAsync(Ops, owner.TenantId)).Count(a => a == "subscription.extended"));
    }

    // ---- Refused notifications ----

    [Fact]
    public async Task Notifications_that_do_not_match_an_order_change_nothing_and_are_audited()
    {
        var (owner, client) = await TenantAsync("refused");
        var alipay = await CreatedOrderAsync(client, owner, new { provider = "alipay", packId = "cn-pack" });
        var wechat = await CreatedOrderAsync(client, owner, new { provider = "wechatpay", packId = "cn-pack" });

        await AssertRefusedAsync("alipay", await SendAsync(Alipay.Notification(AlipayNotifyUrl, Id(alipay),
            new AlipayNotificationOptions { TotalAmount = "0.01" })));
        await AssertRefusedAsync("wechatpay", await SendAsync(WeChat.Notification(WeChatNotifyUrl, Id(wechat),
            new FakeWeChatPayNotificationOptions(Amount: 1))));
        await AssertRefusedAsync("wechatpay", await SendAsync(WeChat.Notification(WeChatNotifyUrl, Id(wechat),
            new FakeWeChatPayNotificationOptions(Currency: "USD"))));
        var tenantRefusals = (await AuditActionsAsync(Ops, owner.TenantId)).Count(a => a == "payment.notification_refused");
        Assert.Equal(3, tenantRefusals);

        var platformBefore = await PlatformRefusalsAsync();
        await AssertRefusedAsync("alipay", await SendAsync(Alipay.Notification(AlipayNotifyUrl, Id(alipay),
            new AlipayNotificationOptions { BadSignature = true })));
        await AssertRefusedAsync("alipay", await SendAsync(Alipay.Notification(AlipayNotifyUrl, Id(alipay),
            new AlipayNotificationOptions { AppId = "2021000000000000" })));
        await AssertRefusedAsync("wechatpay", await SendAsync(WeChat.Notification(WeChatNotifyUrl, Id(wechat),
            new FakeWeChatPayNotificationOptions(BadSignature: true))));
        await AssertRefusedAsync("wechatpay", await SendAsync(WeChat.Notification(WeChatNotifyUrl, Id(wechat),
            new FakeWeChatPayNotificationOptions(Stale: true))));
        await AssertRefusedAsync("wechatpay", await SendAsync(WeChat.Notification(WeChatNotifyUrl, Id(wechat),
            new FakeWeChatPayNotificationOptions(MchId: "1900000000"))));
        await AssertRefusedAsync("wechatpay", await SendAsync(WeChat.Notification(WeChatNotifyUrl, "ord_aaaaaaaaaaaaaaaaaaaaaaaa")));
        await AssertRefusedAsync("alipay", await SendAsync(Alipay.Notification(AlipayNotifyUrl, "not-ours-123")));
        Assert.Equal(platformBefore + 7, await PlatformRefusalsAsync());

        Assert.Equal(0, await BalanceAsync(client, owner));
        Assert.Equal("pending", Status(await GetOrderAsync(client, owner, Id(alipay))));
        Assert.Equal("pending", Status(await GetOrderAsync(client, owner, Id(wechat))));
    }

    private async Task<int> PlatformRefusalsAsync() =>
        (await Json(await Ops.GetAsync("/v1/admin/audit-log?action=payment.notification_refused&limit=500"))).GetProperty("items")
            .EnumerateArray().Count(i => i.GetProperty("tenantId").ValueKind == JsonValueKind.Null);

    // ---- Expiry ----

    [Fact]
    public async Task At_expiry_an_order_asks_its_provider_once_more_then_closes_and_a_later_payment_is_flagged_for_refund()
    {
        var (owner, client) = await TenantAsync("expiry");
        var alipay = await CreatedOrderAsync(client, owner, new { provider = "alipay", packId = "cn-pack" });
        var wechat = await CreatedOrderAsync(client, owner, new { provider = "wechatpay", packId = "cn-pack" });
        shared.Clock.Advance(TimeSpan.FromMinutes(16));
        try
        {
            await ExpiresAsync(owner, client, Id(alipay), Id(wechat));
        }
        finally
        {
            shared.Clock.Advance(TimeSpan.FromMinutes(-16)); // the class's other tests sign in by the clock
        }
    }

    private async Task ExpiresAsync(Account owner, HttpClient client, string alipayId, string wechatId)
    {
        // Read from the list, which asks no provider: the reminder closes them.
        await EventuallyAsync(async () => (await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/orders"))).EnumerateArray()
            .All(o => Status(o) == "closed"), "the expired orders were not closed");
        Assert.Equal((1, 1), (Alipay.QueryCount(alipayId), Alipay.CloseCount(alipayId)));
        Assert.Equal((1, 1), (WeChat.QueryCount(wechatId), WeChat.CloseCount(wechatId)));

        // The customer had paid at WeChat Pay just as it closed: the payment is kept, flagged, not applied.
        await AssertAppliedAsync("wechatpay", await SendAsync(WeChat.Notification(WeChatNotifyUrl, wechatId)));
        var late = await GetOrderAsync(client, owner, wechatId);
        Assert.Equal(("closed", true, false),
            (Status(late), late.GetProperty("refundDue").GetBoolean(), late.GetProperty("fulfilled").GetBoolean()));
        Assert.Equal(0, await BalanceAsync(client, owner));
        Assert.Contains(wechatId, (await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/payments"))).EnumerateArray()
            .Select(p => p.GetProperty("id").GetString()));
        Assert.Contains("order.paid_after_close", await AuditActionsAsync(Ops, owner.TenantId));
    }

    // ---- Refunds ----

    private async Task<HttpResponseMessage> RefundAsync(string orderId, object body, string? key = null, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/admin/orders/{orderId}/refund") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString("N"));
        return await (client ?? Ops).SendAsync(request);
    }

    [Fact]
    public async Task What_an_order_paid_less_what_was_refunded_is_revenue_in_its_currency_counted_once()
    {
        var (owner, client) = await TenantAsync("revenue");
        // The platform's figures, which other tests' orders move too (they run one at a time): compared before and after, over
        // this month and the next, in case the clock crosses into it meanwhile.
        var now = shared.Clock.GetUtcNow();
        var range = $"from={now:yyyy-MM}&to={now.AddMonths(1):yyyy-MM}";
        var before = await RevenueAsync(range);

        var order = await CreatedOrderAsync(client, owner, new { provider = "alipay", packId = "cn-pack" });
        await AssertAppliedAsync("alipay", await PayAsync("alipay", Id(order)));
        await AssertAppliedAsync("alipay", await SendAsync(Alipay.Notification(AlipayNotifyUrl, Id(order)))); // again: paid once
        Assert.Equal(HttpStatusCode.OK, (await RefundAsync(Id(order), new { amountMinor = 300, reason = "partial" })).StatusCode);

        Assert.Equal(before with { Cny = before.Cny + 990 - 300 }, await RevenueAsync(range));
        await RevenueJournalAgreement.AssertAgreesAsync(Api, Ops, $"{now:yyyy-MM}", $"{now.AddMonths(1):yyyy-MM}");
    }

    private sealed record Revenue(long Cny, long Usd);

    /// <summary>Revenue in cny and in usd summed over the months of <paramref name="range"/>.</summary>
    private async Task<Revenue> RevenueAsync(string range)
    {
        var months = (await Json(await Ops.GetAsync($"/v1/admin/analytics?{range}"))).GetProperty("months").EnumerateArray().ToList();
        long Sum(string currency) => months.Where(m => m.GetProperty("currency").GetString() == currency)
            .Sum(m => m.GetProperty("revenueMinor").GetInt64());
        return new(Sum("cny"), Sum("usd"));
    }

    [Fact]
    public async Task Operators_refund_paid_orders_in_parts_up_to_what_was_paid_once_per_key()
    {
        var (owner, client) = await TenantAsync("refunds");
        foreach (var provider in new[] { "alipay", "wechatpay" })
        {
            var order = await CreatedOrderAsync(client, owner, new { provider, packId = "cn-pack" });
            await AssertProblem(await RefundAsync(Id(order), new { reason = "too early" }), HttpStatusCode.Conflict, "order_not_paid");
            await AssertAppliedAsync(provider, await PayAsync(provider, Id(order)));
            await AssertProblem(await RefundAsync(Id(order), new { amountMinor = 300, reason = "partial" }, client: client),
                HttpStatusCode.Forbidden);

            var partial = await RefundAsync(Id(order), new { amountMinor = 300, reason = "partial" }, key: $"{provider}-r1");
            Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
            var afterPartial = await Json(partial);
            Assert.Equal(("paid", 300L), (Status(afterPartial), afterPartial.GetProperty("refundedMinor").GetInt64()));
            var replay = await RefundAsync(Id(order), new { amountMinor = 300, reason = "partial" }, key: $"{provider}-r1");
            Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(300, (await Json(replay)).GetProperty("refundedMinor").GetInt64());
            await AssertProblem(await RefundAsync(Id(order), new { amountMinor = 400, reason = "partial" }, key: $"{provider}-r1"),
                HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
            await AssertProblem(await RefundAsync(Id(order), new { amountMinor = 691, reason = "too much" }), HttpStatusCode.Conflict,
                "refund_exceeds_paid");

            var rest = await Json(await RefundAsync(Id(order), new { reason = "the rest" }));
            Assert.Equal(("refunded", 990L), (Status(rest), rest.GetProperty("refundedMinor").GetInt64()));
            Assert.Equal(2, rest.GetProperty("refunds").EnumerateArray().Count(r => r.GetProperty("status").GetString() == "succeeded"));
            var refundsAtProvider = provider == "alipay" ? Alipay.RefundsOf(Id(order)).Count
                : WeChat.Refunds.Count(r => r.Value.OutTradeNo == Id(order));
            Assert.Equal(2, refundsAtProvider);
        }
        Assert.Equal(4, (await AuditActionsAsync(Ops, owner.TenantId)).Count(a => a == "order.refunded"));
    }

    [Fact]
    public async Task A_refund_wechat_pay_is_still_processing_is_recorded_once_when_its_notification_comes()
    {
        var (owner, client) = await TenantAsync("processing");
        var order = await CreatedOrderAsync(client, owner, new { provider = "wechatpay", packId = "cn-pack" });
        await AssertAppliedAsync("wechatpay", await PayAsync("wechatpay", Id(order)));
        WeChat.NextRefundStatus = "PROCESSING";
        try
        {
            var processing = await Json(await RefundAsync(Id(order), new { amountMinor = 500, reason = "partial" }));
            var refund = processing.GetProperty("refunds").EnumerateArray().Single();
            Assert.Equal(("processing", 500L),
                (refund.GetProperty("status").GetString(), processing.GetProperty("refundedMinor").GetInt64()));
            var refundId = refund.GetProperty("id").GetString()!;
            for (var i = 0; i < 2; i++)
                await AssertAppliedAsync("wechatpay", await SendAsync(WeChat.Notification(WeChatNotifyUrl, Id(order),
                    new FakeWeChatPayNotificationOptions(RefundId: refundId))));
            var done = (await GetOrderAsync(client, owner, Id(order))).GetProperty("refunds").EnumerateArray().Single();
            Assert.Equal("succeeded", done.GetProperty("status").GetString());
            Assert.Equal(1, (await AuditActionsAsync(Ops, owner.TenantId)).Count(a => a == "order.refunded"));
        }
        finally
        {
            WeChat.NextRefundStatus = "SUCCESS";
        }
    }

    // ---- Tenants and roles ----

    [Fact]
    public async Task Another_tenants_orders_are_not_found_and_only_billing_roles_order()
    {
        var (owner, client) = await TenantAsync("owner");
        var order = await CreatedOrderAsync(client, owner, new { provider = "wechatpay", packId = "cn-pack" });
        var (stranger, strangerClient) = await TenantAsync("stranger");
        var queries = WeChat.QueryCount(Id(order));
        foreach (var path in new[] { "", "/qr.svg" })
            await AssertProblem(await strangerClient.GetAsync($"/v1/tenants/{stranger.TenantId}/orders/{Id(order)}{path}"),
                HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await strangerClient.GetAsync($"/v1/tenants/{owner.TenantId}/orders/{Id(order)}"), HttpStatusCode.NotFound);
        Assert.Empty((await Json(await strangerClient.GetAsync($"/v1/tenants/{stranger.TenantId}/orders"))).EnumerateArray());
        Assert.Equal(queries, WeChat.QueryCount(Id(order))); // nothing was asked of WeChat Pay for the stranger

        var member = await Api.RegisterAsync($"member-{Guid.NewGuid():N}@example.com");
        await Api.AddMemberAsync(owner, owner.TenantId, member, "member");
        var memberClient = Api.As(member.AccessToken);
        await AssertProblem(await OrderAsync(memberClient, owner, new { provider = "alipay", packId = "cn-pack" }),
            HttpStatusCode.Forbidden);
        await AssertProblem(await memberClient.GetAsync($"/v1/tenants/{owner.TenantId}/orders"), HttpStatusCode.Forbidden);
        var billing = await Api.RegisterAsync($"billing-{Guid.NewGuid():N}@example.com");
        await Api.AddMemberAsync(owner, owner.TenantId, billing, "billing");
        await CreatedOrderAsync(Api.As(billing.AccessToken), owner, new { provider = "alipay", packId = "cn-pack" });
        var key = await Api.IssueApiKeyAsync(owner, "quota:consume");
        await AssertProblem(await OrderAsync(Api.WithApiKey(key), owner, new { provider = "alipay", packId = "cn-pack" }),
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_tenant_paying_through_Stripe_cannot_order_plan_periods_and_a_plan_paid_meanwhile_is_flagged_for_refund()
    {
        var (owner, client) = await TenantAsync("stripe-payer");
        var order = await CreatedOrderAsync(client, owner, new { provider = "wechatpay", planId = "cn-pro", periods = 1 });
        // The tenant subscribes through Stripe before paying the order.
        var now = shared.Clock.GetUtcNow();
        var subscription = Api.Services.GetRequiredService<IGrainFactory>().GetGrain<ISubscriptionGrain>(owner.TenantId);
        Assert.Equal(ProviderEventOutcome.Applied, await subscription.ApplyProviderSubscription(
            new ProviderEvent($"evt_{Guid.NewGuid():N}", "customer.subscription.created", now),
            new ProviderSubscription("stripe", "sub_order", "cus_order", ProviderSubscriptionStatus.Active, "price_123", now,
                now.AddMonths(1), TrialEnd: null, CancelAtPeriodEnd: false, now),
            AuditActor.System));

        await AssertProblem(await OrderAsync(client, owner, new { provider = "alipay", planId = "cn-pro", periods = 1 }),
            HttpStatusCode.Conflict, "already_subscribed");
        await AssertAppliedAsync("wechatpay", await PayAsync("wechatpay", Id(order)));
        var paid = await GetOrderAsync(client, owner, Id(order));
        Assert.Equal(("paid", false, true),
            (Status(paid), paid.GetProperty("fulfilled").GetBoolean(), paid.GetProperty("refundDue").GetBoolean()));
        var kept = (await subscription.Get())!;
        Assert.Equal(("pro", SubscriptionSource.Provider), (kept.PlanId, kept.Source));
        Assert.Contains("order.fulfilment_failed", await AuditActionsAsync(Ops, owner.TenantId));
    }
}

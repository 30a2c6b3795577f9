using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Grains.Credits;
using Tollgate.Testing;
using static Tollgate.Api.Tests.CatalogFixture;

namespace Tollgate.Api.Tests;

/// <summary>
/// Buying credits through real HTTP both ways: packs in the catalog, Checkout in payment mode and auto top-up
/// against the fake Stripe, and Stripe's webhooks signed as Stripe signs them, delivered in every order.
/// </summary>
public sealed class CreditPurchaseTests : ApiTestBase
{
    private const string SecretKey = "sk_test_tollgate";
    private const string WebhookSecret = "whsec_tollgate_test";
    private const string PackPrice = "price_pack_1000";

    private readonly FakeStripe _stripe = FakeStripe.StartAsync().GetAwaiter().GetResult();
    private HttpClient _ops = null!;
    private Account _owner = null!;
    private HttpClient _client = null!;
    private int _events;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Stripe:SecretKey"] = SecretKey,
        ["Stripe:WebhookSecret"] = WebhookSecret,
        ["Stripe:ApiBase"] = _stripe.BaseAddress.AbsoluteUri,
    };

    private async Task SetUpAsync()
    {
        _ops = await CreateAsync(Api);
        await ExpectCreated(_ops.PostAsJsonAsync("/v1/admin/credit-packs",
            new { id = "starter", name = "Starter", credits = 1_000, priceMinor = 1_500, currency = "usd", stripePriceId = PackPrice }));
        _owner = await Api.RegisterAsync("buyer@example.com");
        _client = Api.As(_owner.AccessToken);
    }

    // ---- Packs in the catalog ----

    [Fact]
    public async Task Operators_create_change_and_archive_packs_and_the_portal_lists_those_on_sale()
    {
        await SetUpAsync();
        await ExpectCreated(_ops.PostAsJsonAsync("/v1/admin/credit-packs", new
        {
            id = "big", name = "Big", credits = 10_000,
            priceMinor = 9_900, currency = "EUR"
        }));
        var changed = await _ops.PutAsJsonAsync("/v1/admin/credit-packs/big",
            new { name = "Bigger", credits = 12_000, priceMinor = 9_900, currency = "EUR", stripePriceId = "price_big" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(12_000, (await Json(changed)).GetProperty("credits").GetInt64());

        var onSale = (await Json(await Api.Anonymous().GetAsync("/v1/credit-packs"))).EnumerateArray().ToList();
        Assert.Equal(["starter", "big"], onSale.Select(p => p.GetProperty("id").GetString()));
        Assert.Equal("USD", onSale[0].GetProperty("currency").GetString());
        Assert.Equal(1_500, onSale[0].GetProperty("priceMinor").GetInt64());

        Assert.Equal(HttpStatusCode.OK, (await _ops.PostAsync("/v1/admin/credit-packs/big/archive", null)).StatusCode);
        Assert.Equal(["starter"],
            (await Json(await Api.Anonymous().GetAsync("/v1/credit-packs"))).EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        var all = (await Json(await _ops.GetAsync("/v1/admin/credit-packs"))).EnumerateArray().ToList();
        Assert.True(all.Single(p => p.GetProperty("id").GetString() == "big").GetProperty("archived").GetBoolean());

        var actions = (await Json(await _ops.GetAsync("/v1/admin/audit-log?limit=500"))).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("action").GetString()).ToList();
        Assert.Contains("credit_pack.created", actions);
        Assert.Contains("credit_pack.updated", actions);
        Assert.Contains("credit_pack.archived", actions);
        // Only the operator manages packs.
        await AssertProblem(await _client.PostAsJsonAsync("/v1/admin/credit-packs",
            new { id = "mine", name = "Mine", credits = 1, priceMinor = 0, currency = "USD" }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Bad_packs_get_400_naming_the_field_and_conflicts_409_with_nothing_stored()
    {
        await SetUpAsync();
        async Task Refused(object pack, string field)
        {
            var response = await _ops.PostAsJsonAsync("/v1/admin/credit-packs", pack);
            await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
            Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}");
        }
        await Refused(new { id = "Bad Id", name = "X", credits = 1, priceMinor = 1, currency = "USD" }, "id");
        await Refused(new { id = "zero", name = "X", credits = 0, priceMinor = 1, currency = "USD" }, "credits");
        await Refused(new { id = "huge", name = "X", credits = 1_000_000_000_001, priceMinor = 1, currency = "USD" }, "credits");
        await Refused(new { id = "neg", name = "X", credits = 5, priceMinor = -1, currency = "USD" }, "priceMinor");
        await Refused(new { id = "cur", name = "X", credits = 5, priceMinor = 1, currency = "dollars" }, "currency");
        await Refused(new { id = "noname", name = " ", credits = 5, priceMinor = 1, currency = "USD" }, "name");
        await AssertProblem(await _ops.PostAsJsonAsync("/v1/admin/credit-packs",
            new { id = "starter", name = "Again", credits = 5, priceMinor = 1, currency = "USD" }), HttpStatusCode.Conflict, "conflict");
        // A Stripe price names one thing on sale: the pro plan's price cannot be a pack's.
        await AssertProblem(await _ops.PostAsJsonAsync("/v1/admin/credit-packs",
            new
            {
                id = "clash", name = "Clash", credits = 5, priceMinor = 1, currency = "USD",
                stripePriceId = "price_123"
            }), HttpStatusCode.Conflict, "conflict");
        await AssertProblem(await _ops.PutAsJsonAsync("/v1/admin/credit-packs/nope",
            new { name = "Nope", credits = 5, priceMinor = 1, currency = "USD" }), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(["starter"],
            (await Json(await _ops.GetAsync("/v1/admin/credit-packs"))).EnumerateArray().Select(p => p.GetProperty("id").GetString()));
    }

    // ---- Checkout ----

    [Fact]
    public async Task A_pack_checkout_opens_a_payment_mode_session_and_replays_under_its_key()
    {
        await SetUpAsync();
        var response = await CheckoutAsync("co-1");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var sessionId = (await Json(response)).GetProperty("sessionId").GetString()!;
        var sent = Assert.Single(_stripe.RequestsTo("POST", "/v1/checkout/sessions"));
        Assert.Equal("payment", sent.Field("mode"));
        Assert.Equal(PackPrice, sent.Field("line_items[0][price]"));
        Assert.Equal("1", sent.Field("line_items[0][quantity]"));
        Assert.Equal(_owner.TenantId, sent.Field("client_reference_id"));
        Assert.Equal("off_session", sent.Field("payment_intent_data[setup_future_usage]"));
        foreach (var prefix in new[] { "metadata", "payment_intent_data[metadata]" })
        {
            Assert.Equal(_owner.TenantId, sent.Field($"{prefix}[tenantId]"));
            Assert.Equal("starter", sent.Field($"{prefix}[packId]"));
            Assert.Equal("1000", sent.Field($"{prefix}[credits]"));
            Assert.Equal("credit_pack", sent.Field($"{prefix}[tollgatePurpose]"));
        }
        Assert.Null(sent.Field("subscription_data[metadata][tenantId]"));

        var again = await CheckoutAsync("co-1");
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(sessionId, (await Json(again)).GetProperty("sessionId").GetString());
        await AssertProblem(await CheckoutAsync("co-1", successUrl: "https://app.example.com/elsewhere"),
            HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Single(_stripe.RequestsTo("POST", "/v1/checkout/sessions"));
        Assert.Contains("billing.credits_checkout_created", await AuditActionsAsync(_ops, _owner.TenantId));
    }

    [Fact]
    public async Task Checkout_refuses_bad_input_unknown_and_unpriced_packs_other_tenants_and_mere_members()
    {
        await SetUpAsync();
        await ExpectCreated(_ops.PostAsJsonAsync("/v1/admin/credit-packs", new
        {
            id = "manual", name = "Manual", credits = 5,
            priceMinor = 100, currency = "USD"
        }));
        var url = $"/v1/tenants/{_owner.TenantId}/credits/checkout";
        await AssertProblem(await _client.PostAsJsonAsync(url, new
        {
            packId = "nope", successUrl = "https://a.example/ok",
            cancelUrl = "https://a.example/no"
        }), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await _client.PostAsJsonAsync(url, new
        {
            packId = "manual", successUrl = "https://a.example/ok",
            cancelUrl = "https://a.example/no"
        }), HttpStatusCode.Conflict, "pack_not_purchasable");
        await AssertProblem(await _client.PostAsJsonAsync(url, new
        {
            packId = "starter", successUrl = "/relative",
            cancelUrl = "javascript:alert(1)"
        }), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await _client.PostAsJsonAsync(url, new
        {
            successUrl = "https://a.example/ok",
            cancelUrl = "https://a.example/no"
        }), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await _client.PostAsJsonAsync(url, new
        {
            packId = "starter", successUrl = "https://a.example/ok",
            cancelUrl = "https://a.example/no", credits = 1_000_000
        }), HttpStatusCode.BadRequest, "malformed_request");

        var stranger = Api.As((await Api.RegisterAsync("stranger@example.com")).AccessToken);
        await AssertProblem(await stranger.PostAsJsonAsync(url, new
        {
            packId = "starter", successUrl = "https://a.example/ok",
            cancelUrl = "https://a.example/no"
        }), HttpStatusCode.NotFound);
        await AssertProblem(await stranger.GetAsync($"/v1/tenants/{_owner.TenantId}/credits/auto-top-up"), HttpStatusCode.NotFound);
        await AssertProblem(await stranger.PutAsJsonAsync($"/v1/tenants/{_owner.TenantId}/credits/auto-top-up",
            new { threshold = 10, packId = "starter", maxPerMonth = 1 }), HttpStatusCode.NotFound);

        var member = await Api.RegisterAsync("member@example.com");
        await Api.AddMemberAsync(_owner, _owner.TenantId, member, "member");
        var memberClient = Api.As(member.AccessToken);
        await AssertProblem(await memberClient.PostAsJsonAsync(url, new
        {
            packId = "starter", successUrl = "https://a.example/ok",
            cancelUrl = "https://a.example/no"
        }), HttpStatusCode.Forbidden);
        await AssertProblem(await memberClient.GetAsync($"/v1/tenants/{_owner.TenantId}/credits/auto-top-up"), HttpStatusCode.Forbidden);
        var billing = await Api.RegisterAsync("billing@example.com");
        await Api.AddMemberAsync(_owner, _owner.TenantId, billing, "billing");
        Assert.Equal(HttpStatusCode.Created, (await Api.As(billing.AccessToken).PostAsJsonAsync(url,
            new { packId = "starter", successUrl = "https://a.example/ok", cancelUrl = "https://a.example/no" })).StatusCode);
        Assert.Single(_stripe.RequestsTo("POST", "/v1/checkout/sessions")); // only the billing member's reached Stripe
    }

    public static TheoryData<int[]> Orders => new()
    {
        new[] { 0, 1, 2, 3 }, new[] { 1, 0, 3, 2 }, new[] { 2, 3, 1, 0 }, new[] { 3, 1, 2, 0 }, new[] { 1, 3, 0, 2 }, new[] { 2, 0, 3, 1 },
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task A_paid_pack_is_granted_once_whichever_of_its_events_arrive_in_whatever_order(int[] order)
    {
        await SetUpAsync();
        var sessionId = await SessionAsync();
        var (session, payment) = _stripe.CompleteCheckout(sessionId, 1_500, paymentMethodId: "pm_first");
        var paymentId = payment["id"]!.GetValue<string>();
        var completed = Event("checkout.session.completed", session);
        var succeeded = Event("payment_intent.succeeded", payment);
        // Stripe redelivers an event under its own id; the other two events are first deliveries.
        var events = new[] { completed, succeeded, completed, succeeded };

        var outcomes = new List<string>();
        foreach (var index in order) outcomes.Add((await PostAsync(events[index])).GetProperty("outcome").GetString()!);

        Assert.Equal(["applied", "duplicate", "duplicate", "duplicate"], outcomes);
        var wallet = await WalletAsync();
        Assert.Equal(1_000, wallet.GetProperty("balance").GetInt64());
        var grant = Assert.Single(await GrantsAsync());
        Assert.Equal("purchase", grant.GetProperty("source").GetString());
        Assert.Equal($"purchase:{paymentId}", grant.GetProperty("idempotencyKey").GetString());
        Assert.Equal("pm_first", (await AutoTopUpAsync()).GetProperty("paymentMethodId").GetString());
        // Revenue once, in the month Stripe reported the payment, as Stripe's and the credit packs'.
        var month = Api.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var usd = Assert.Single((await Json(await _ops.GetAsync($"/v1/admin/analytics?from={month}&to={month}")))
            .GetProperty("months").EnumerateArray());
        Assert.Equal(1_500, usd.GetProperty("revenueMinor").GetInt64());
        Assert.Equal(1_500, usd.GetProperty("revenueByProvider").GetProperty("stripe").GetInt64());
        Assert.Equal(1_500, usd.GetProperty("revenueByPlan").GetProperty("_credit_packs").GetInt64());
        await RevenueJournalAgreement.AssertAgreesAsync(Api, _ops, month, month);
    }

    [Fact]
    public async Task Refunds_made_at_Stripe_count_once_negative_in_the_month_each_succeeded_whatever_Stripe_delivers()
    {
        await SetUpAsync();
        var (_, payment) = _stripe.CompleteCheckout(await SessionAsync(), 1_500);
        await PostAsync(Event("payment_intent.succeeded", payment));
        var paymentId = payment["id"]!.GetValue<string>();
        var paidMonth = Month(Api.Clock.GetUtcNow());
        await AssertRevenueAsync(paidMonth, 1_500);

        // A card refund succeeds at once. Unsigned, its event is refused and counts nothing.
        var card = _stripe.Refund(paymentId, 400, Api.Clock.GetUtcNow());
        var cardCreated = Event("refund.created", card);
        using (var forged = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/stripe"))
        {
            forged.Content = new StringContent(cardCreated, Encoding.UTF8, "application/json");
            forged.Headers.Add("Stripe-Signature", FakeStripe.Sign(cardCreated, "whsec_someone_else", Api.Clock.GetUtcNow()));
            await AssertProblem(await Api.Anonymous().SendAsync(forged), HttpStatusCode.BadRequest, "invalid_signature");
        }
        await AssertRevenueAsync(paidMonth, 1_500);
        // Signed, it counts once however often it comes, and later updates of the refund (its card reference) count nothing.
        Assert.Equal("applied", await OutcomeAsync(cardCreated));
        Assert.Equal("applied", await OutcomeAsync(cardCreated));
        var referenced = card.DeepClone().AsObject();
        referenced["destination_details"]!["card"]!["reference"] = "123456789012";
        Assert.Equal("ignored", await OutcomeAsync(Event("refund.updated", referenced,
            new JsonObject { ["destination_details"] = card["destination_details"]!.DeepClone() })));
        await AssertRevenueAsync(paidMonth, 1_100);

        // A pending refund counts nothing until it succeeds; its events count once in either order.
        var bank = _stripe.Refund(paymentId, 300, Api.Clock.GetUtcNow(), status: "pending");
        var bankCreated = Event("refund.created", bank);
        Assert.Equal("ignored", await OutcomeAsync(bankCreated));
        await AssertRevenueAsync(paidMonth, 1_100);
        var (bankSucceeded, wasPending) = _stripe.ChangeRefund(bank["id"]!.GetValue<string>(), "succeeded");
        var succeeded = Event("refund.updated", bankSucceeded, wasPending);
        Assert.Equal("applied", await OutcomeAsync(succeeded));
        Assert.Equal("ignored", await OutcomeAsync(bankCreated));
        Assert.Equal("applied", await OutcomeAsync(succeeded));
        await AssertRevenueAsync(paidMonth, 800);
        var slow = _stripe.Refund(paymentId, 100, Api.Clock.GetUtcNow(), status: "pending"); // succeeds next month
        Assert.Equal("ignored", await OutcomeAsync(Event("refund.created", slow)));

        // The next month: a refund counts in the month it succeeded, not the payment's or its own creation's; so does the card
        // refund failing after it succeeded (its card closed), positive.
        var now = Api.Clock.GetUtcNow();
        var nextMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        Api.Clock.Advance(nextMonth - now + TimeSpan.FromHours(1));
        Assert.Equal("applied", await OutcomeAsync(Event("refund.created", _stripe.Refund(paymentId, 200, Api.Clock.GetUtcNow()))));
        var (slowSucceeded, slowWasPending) = _stripe.ChangeRefund(slow["id"]!.GetValue<string>(), "succeeded");
        Assert.Equal("applied", await OutcomeAsync(Event("refund.updated", slowSucceeded, slowWasPending)));
        var tagged = bankSucceeded.DeepClone().AsObject(); // later news of last month's refund counts nothing again
        tagged["metadata"] = new JsonObject { ["ticket"] = "T-1" };
        Assert.Equal("ignored", await OutcomeAsync(Event("refund.updated", tagged, new JsonObject { ["metadata"] = new JsonObject() })));
        var (cardFailed, wasSucceeded) = _stripe.ChangeRefund(card["id"]!.GetValue<string>(), "failed");
        var failed = Event("refund.updated", cardFailed, wasSucceeded);
        Assert.Equal("applied", await OutcomeAsync(failed));
        Assert.Equal("applied", await OutcomeAsync(failed));
        await AssertRevenueAsync(paidMonth, 800);
        await AssertRevenueAsync(Month(nextMonth), -200 - 100 + 400);

        // A refund of a payment by a customer Tollgate does not know counts nothing.
        var foreign = payment.DeepClone().AsObject();
        foreign["id"] = "pi_not_ours";
        foreign["customer"] = "cus_not_ours";
        foreign["metadata"] = new JsonObject();
        _stripe.PaymentIntents["pi_not_ours"] = foreign;
        var stranger = await PostAsync(Event("refund.created", _stripe.Refund("pi_not_ours", 100, Api.Clock.GetUtcNow())));
        Assert.Equal(("ignored", "unknown tenant"),
            (stranger.GetProperty("outcome").GetString(), stranger.GetProperty("reason").GetString()));
        await AssertRevenueAsync(Month(nextMonth), 100);

        // A refund of the tenant's other payments (a subscription's invoice: no credit purchase on it) is unattributed, as Stripe
        // does not say which invoice a payment paid.
        var invoicePayment = payment.DeepClone().AsObject();
        invoicePayment["id"] = "pi_invoice";
        invoicePayment["metadata"] = new JsonObject();
        _stripe.PaymentIntents["pi_invoice"] = invoicePayment;
        Assert.Equal("applied", await OutcomeAsync(Event("refund.created", _stripe.Refund("pi_invoice", 2_000, Api.Clock.GetUtcNow()))));
        var usd = await RevenueAsync(Month(nextMonth));
        Assert.Equal((-1_900L, -1_900L, 100L, -2_000L), (usd.GetProperty("revenueMinor").GetInt64(),
            usd.GetProperty("revenueByProvider").GetProperty("stripe").GetInt64(),
            usd.GetProperty("revenueByPlan").GetProperty("_credit_packs").GetInt64(),
            usd.GetProperty("revenueByPlan").GetProperty("_other").GetInt64()));
        await RevenueJournalAgreement.AssertAgreesAsync(Api, _ops, paidMonth, Month(nextMonth));
    }

    /// <summary>The month's usd revenue is <paramref name="revenueMinor"/>, all of it Stripe's and the credit packs'.</summary>
    private async Task AssertRevenueAsync(string month, long revenueMinor)
    {
        var usd = await RevenueAsync(month);
        Assert.Equal((revenueMinor, revenueMinor, revenueMinor), (usd.GetProperty("revenueMinor").GetInt64(),
            usd.GetProperty("revenueByProvider").GetProperty("stripe").GetInt64(),
            usd.GetProperty("revenueByPlan").GetProperty("_credit_packs").GetInt64()));
    }

    private async Task<JsonElement> RevenueAsync(string month)
    {
        var usd = Assert.Single((await Json(await _ops.GetAsync($"/v1/admin/analytics?from={month}&to={month}")))
            .GetProperty("months").EnumerateArray());
        Assert.Equal((month, "usd"), (usd.GetProperty("month").GetString(), usd.GetProperty("currency").GetString()));
        return usd;
    }

    private async Task<string> OutcomeAsync(string body) => (await PostAsync(body)).GetProperty("outcome").GetString()!;

    private static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_session_completed_unpaid_grants_nothing_until_its_delayed_payment_succeeds()
    {
        await SetUpAsync();
        var sessionId = await SessionAsync();
        var (session, payment) = _stripe.CompleteCheckout(sessionId, 1_500, delayed: true);
        Assert.Equal("ignored", (await PostAsync(Event("checkout.session.completed", session))).GetProperty("outcome").GetString());
        Assert.Equal(0, (await WalletAsync()).GetProperty("balance").GetInt64());

        var (paid, _) = _stripe.SucceedPayment(payment["id"]!.GetValue<string>());
        Assert.Equal("applied", (await PostAsync(Event("checkout.session.async_payment_succeeded",
            paid!))).GetProperty("outcome").GetString());
        Assert.Equal(1_000, (await WalletAsync()).GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task A_purchase_event_naming_another_tenant_than_the_customers_owner_grants_nobody()
    {
        await SetUpAsync();
        var sessionId = await SessionAsync();
        var other = await Api.RegisterAsync("other@example.com");
        var (session, payment) = _stripe.CompleteCheckout(sessionId, 1_500);
        payment["metadata"]!["tenantId"] = other.TenantId; // the customer is the buyer's
        Assert.Equal("ignored", (await PostAsync(Event("payment_intent.succeeded", payment))).GetProperty("outcome").GetString());
        Assert.Equal(0, (await WalletAsync()).GetProperty("balance").GetInt64());
        var othersWallet = await Json(await Api.As(other.AccessToken).GetAsync($"/v1/tenants/{other.TenantId}/credits"));
        Assert.Equal(0, othersWallet.GetProperty("balance").GetInt64());
        // A subscription's invoice payment carries no purchase: acknowledged, nothing granted.
        var invoicePayment = FakeStripe.Fixture("payment_intent.succeeded");
        Assert.Equal("ignored", (await PostAsync(Event("payment_intent.succeeded", invoicePayment))).GetProperty("outcome").GetString());
        Assert.Equal("applied", (await PostAsync(Event("checkout.session.completed", session))).GetProperty("outcome").GetString());
        Assert.Equal(1_000, (await WalletAsync()).GetProperty("balance").GetInt64());
    }

    // ---- Auto top-up ----

    [Fact]
    public async Task Concurrent_low_balance_triggers_and_a_retried_request_create_one_charge()
    {
        await SetUpAsync();
        await BuyAsync("pm_saved");
        await ConfigureAutoTopUpAsync(new { threshold = 500, packId = "starter", maxPerMonth = 3 });
        _stripe.FailNext("/v1/payment_intents", 500); // Stripe.net retries it under the same key

        var autoTopUp = Grains.GetGrain<IAutoTopUpGrain>(_owner.TenantId);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => autoTopUp.BalanceLow(100)));
        await EventuallyAsync(async () => (await AutoTopUpAsync()).GetProperty("pending") is { ValueKind: JsonValueKind.Object } pending
            && pending.GetProperty("paymentId").ValueKind == JsonValueKind.String, "no charge was created");
        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => autoTopUp.BalanceLow(100)));
        var state = await AutoTopUpAsync(); // answered after every trigger sent before it

        var attempts = _stripe.RequestsTo("POST", "/v1/payment_intents");
        Assert.Equal(2, attempts.Count); // the failed attempt and its retry
        var key = Assert.Single(attempts.Select(a => a.Header("Idempotency-Key")).Distinct());
        Assert.Equal($"tollgate-autotopup-{_owner.TenantId}-{Api.Clock.GetUtcNow():yyyy-MM}-1", key);
        var charge = Assert.Single(_stripe.PaymentIntents.Values,
            p => p["metadata"]?["tollgatePurpose"]?.GetValue<string>() == "auto_topup");
        Assert.Equal("true", attempts[1].Field("off_session"));
        Assert.Equal("true", attempts[1].Field("confirm"));
        Assert.Equal("pm_saved", attempts[1].Field("payment_method"));
        Assert.Equal("1500", attempts[1].Field("amount"));
        Assert.Equal("usd", attempts[1].Field("currency"));
        Assert.Equal(1, state.GetProperty("chargesThisMonth").GetInt32());

        // The grant comes with the payment's webhook, once however often it is delivered.
        var succeeded = Event("payment_intent.succeeded", charge);
        Assert.Equal("applied", (await PostAsync(succeeded)).GetProperty("outcome").GetString());
        Assert.Equal("duplicate", (await PostAsync(succeeded)).GetProperty("outcome").GetString());
        Assert.Equal("duplicate", (await PostAsync(Event("payment_intent.succeeded", charge))).GetProperty("outcome").GetString());
        Assert.Equal(2_000, (await WalletAsync()).GetProperty("balance").GetInt64());
        var grants = await GrantsAsync();
        Assert.Single(grants, g => g.GetProperty("source").GetString() == "auto_topup");
        Assert.Equal(JsonValueKind.Null, (await AutoTopUpAsync()).GetProperty("pending").ValueKind);
        Assert.Contains("credits.auto_topup_succeeded", await AuditActionsAsync(_ops, _owner.TenantId));
    }

    [Fact]
    public async Task Concurrent_spends_that_leave_the_balance_low_create_one_charge_whose_webhook_tops_up()
    {
        await SetUpAsync();
        await ExpectCreated(_ops.PostAsJsonAsync("/v1/admin/apps/chat/tools", new
        {
            key = "render", name = "Render",
            creditsPerUnit = 10
        }));
        await BuyAsync("pm_saved");
        await ConfigureAutoTopUpAsync(new { threshold = 500, packId = "starter", maxPerMonth = 3 });
        var app = Api.WithApiKey(await Api.IssueApiKeyAsync(_owner, "credits:consume"));

        // 60 spends of 10 from 1,000: the balance goes under 500 and stays there for the last 11.
        var spends = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => app.PostAsJsonAsync("/v1/credits/consume",
            new { tool = "chat/render", units = 1 })));
        Assert.All(spends, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var charge = await NextChargeAsync(1);
        await AutoTopUpAsync();
        Assert.Single(_stripe.RequestsTo("POST", "/v1/payment_intents"));
        Assert.Equal(400, (await WalletAsync()).GetProperty("balance").GetInt64());

        await PostAsync(Event("payment_intent.succeeded", charge));
        Assert.Equal(1_400, (await WalletAsync()).GetProperty("balance").GetInt64());
        // Back over the threshold: the next spends buy nothing.
        await app.PostAsJsonAsync("/v1/credits/consume", new { tool = "chat/render", units = 1 });
        await AutoTopUpAsync();
        Assert.Single(_stripe.RequestsTo("POST", "/v1/payment_intents"));
    }

    [Fact]
    public async Task Auto_top_up_charges_at_most_maxPerMonth_a_month_and_again_the_next_month()
    {
        await SetUpAsync();
        await BuyAsync("pm_saved");
        await ConfigureAutoTopUpAsync(new { threshold = 500, packId = "starter", maxPerMonth = 2 });
        var autoTopUp = Grains.GetGrain<IAutoTopUpGrain>(_owner.TenantId);
        var month = Api.Clock.GetUtcNow();
        for (var charge = 1; charge <= 2; charge++)
        {
            await autoTopUp.BalanceLow(100);
            var paid = await NextChargeAsync(charge);
            Assert.Equal("applied", (await PostAsync(Event("payment_intent.succeeded", paid))).GetProperty("outcome").GetString());
        }
        await autoTopUp.BalanceLow(100);
        var state = await AutoTopUpAsync();
        Assert.Equal(2, state.GetProperty("chargesThisMonth").GetInt32());
        Assert.Equal(2, _stripe.RequestsTo("POST", "/v1/payment_intents").Count);

        var next = new DateTimeOffset(month.Year, month.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        Api.Clock.Advance(next - month + TimeSpan.FromMinutes(1));
        await autoTopUp.BalanceLow(100);
        await NextChargeAsync(3);
        Assert.EndsWith($"-{next:yyyy-MM}-1", _stripe.RequestsTo("POST", "/v1/payment_intents")[2].Header("Idempotency-Key"));
        Assert.Equal(1, (await AutoTopUpAsync()).GetProperty("chargesThisMonth").GetInt32());
    }

    [Fact]
    public async Task A_declined_charge_stops_auto_top_up_until_the_payment_method_changes()
    {
        await SetUpAsync();
        await BuyAsync("pm_expiring");
        await ConfigureAutoTopUpAsync(new { threshold = 500, packId = "starter", maxPerMonth = 5 });
        var autoTopUp = Grains.GetGrain<IAutoTopUpGrain>(_owner.TenantId);
        _stripe.DeclineNextPayment("card_declined");
        await autoTopUp.BalanceLow(100);
        await EventuallyAsync(async () => (await AutoTopUpAsync()).GetProperty("lastFailure").ValueKind == JsonValueKind.Object,
            "the decline was not recorded");
        var failure = (await AutoTopUpAsync()).GetProperty("lastFailure");
        Assert.Equal("card_declined", failure.GetProperty("code").GetString());
        Assert.Equal("pm_expiring", failure.GetProperty("paymentMethodId").GetString());
        Assert.Contains("credits.auto_topup_failed", await AuditActionsAsync(_ops, _owner.TenantId));
        // Stripe's webhook of the same failure changes nothing more.
        var declined = _stripe.PaymentIntents.Values.Single(p => p["metadata"]?["tollgatePurpose"]?.GetValue<string>() == "auto_topup");
        await PostAsync(Event("payment_intent.payment_failed", declined));

        await autoTopUp.BalanceLow(100);
        await ConfigureAutoTopUpAsync(new { threshold = 500, packId = "starter", maxPerMonth = 5, paymentMethodId = "pm_expiring" });
        await autoTopUp.BalanceLow(100);
        await AutoTopUpAsync();
        Assert.Single(_stripe.RequestsTo("POST", "/v1/payment_intents")); // the same method stays refused

        await ConfigureAutoTopUpAsync(new { threshold = 500, packId = "starter", maxPerMonth = 5, paymentMethodId = "pm_new_card" });
        Assert.Equal(JsonValueKind.Null, (await AutoTopUpAsync()).GetProperty("lastFailure").ValueKind);
        await autoTopUp.BalanceLow(100);
        var charged = await NextChargeAsync(2);
        Assert.Equal("pm_new_card", charged["payment_method"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_payment_failing_after_it_was_created_stops_auto_top_up_until_a_new_checkout()
    {
        await SetUpAsync();
        await BuyAsync("pm_first");
        await ConfigureAutoTopUpAsync(new { threshold = 500, packId = "starter", maxPerMonth = 5 });
        var autoTopUp = Grains.GetGrain<IAutoTopUpGrain>(_owner.TenantId);
        await autoTopUp.BalanceLow(100);
        var created = await NextChargeAsync(1);
        var failed = _stripe.FailPayment(created["id"]!.GetValue<string>(), "authentication_required");
        Assert.Equal("applied", (await PostAsync(Event("payment_intent.payment_failed", failed))).GetProperty("outcome").GetString());
        var state = await AutoTopUpAsync();
        Assert.Equal("authentication_required", state.GetProperty("lastFailure").GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, state.GetProperty("pending").ValueKind);
        Assert.Equal(1_000, (await WalletAsync()).GetProperty("balance").GetInt64());

        await autoTopUp.BalanceLow(100);
        await AutoTopUpAsync();
        Assert.Single(_stripe.RequestsTo("POST", "/v1/payment_intents"));
        await BuyAsync("pm_second"); // a new checkout saves its method
        await autoTopUp.BalanceLow(100);
        Assert.Equal("pm_second", (await NextChargeAsync(2))["payment_method"]!.GetValue<string>());
    }

    [Fact]
    public async Task Auto_top_up_settings_are_validated_and_reach_the_wallet()
    {
        await SetUpAsync();
        var url = $"/v1/tenants/{_owner.TenantId}/credits/auto-top-up";
        async Task Refused(object body, string field)
        {
            var response = await _client.PutAsJsonAsync(url, body);
            await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
            Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}");
        }
        await Refused(new { threshold = 0, packId = "starter", maxPerMonth = 1 }, "threshold");
        await Refused(new { threshold = 10, packId = "starter", maxPerMonth = 0 }, "maxPerMonth");
        await Refused(new { threshold = 10, packId = "starter", maxPerMonth = 101 }, "maxPerMonth");
        await Refused(new { threshold = 10, maxPerMonth = 1 }, "packId");
        await Refused(new { threshold = 10, packId = "starter", maxPerMonth = 1, paymentMethodId = "card_4242" }, "paymentMethodId");
        await AssertProblem(await _client.PutAsJsonAsync(url, new { threshold = 10, packId = "nope", maxPerMonth = 1 }),
            HttpStatusCode.NotFound, "not_found");
        var untouched = await AutoTopUpAsync();
        Assert.Equal(JsonValueKind.Null, untouched.GetProperty("threshold").ValueKind);

        var set = await Json(await _client.PutAsJsonAsync(url, new { threshold = 250, packId = "starter", maxPerMonth = 4 }));
        Assert.Equal(250, set.GetProperty("threshold").GetInt64());
        Assert.True(set.GetProperty("enabled").GetBoolean());
        Assert.Equal(4, set.GetProperty("maxPerMonth").GetInt32());
        Assert.Contains("credits.auto_topup_configured", await AuditActionsAsync(_ops, _owner.TenantId));
    }

    // ---- helpers ----

    private IGrainFactory Grains => Api.Services.GetRequiredService<IGrainFactory>();

    private Task<HttpResponseMessage> CheckoutAsync(string? key = null, string successUrl = "https://app.example.com/ok")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{_owner.TenantId}/credits/checkout")
        {
            Content = JsonContent.Create(new { packId = "starter", successUrl, cancelUrl = "https://app.example.com/no" }),
        };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return _client.SendAsync(request);
    }

    private async Task<string> SessionAsync()
    {
        var response = await CheckoutAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json(response)).GetProperty("sessionId").GetString()!;
    }

    /// <summary>Buys the starter pack paying with <paramref name="paymentMethodId"/>, which auto top-up then uses.</summary>
    private async Task BuyAsync(string paymentMethodId)
    {
        var (session, _) = _stripe.CompleteCheckout(await SessionAsync(), 1_500, paymentMethodId);
        Assert.Equal("applied", (await PostAsync(Event("checkout.session.completed", session))).GetProperty("outcome").GetString());
        Assert.Equal(paymentMethodId, (await AutoTopUpAsync()).GetProperty("paymentMethodId").GetString());
    }

    private async Task ConfigureAutoTopUpAsync(object settings)
    {
        var response = await _client.PutAsJsonAsync($"/v1/tenants/{_owner.TenantId}/credits/auto-top-up", settings);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Waits for the auto top-up's <paramref name="count"/>th payment at Stripe, and for the grain to have recorded it.</summary>
    private async Task<JsonObject> NextChargeAsync(int count)
    {
        await EventuallyAsync(async () => _stripe.RequestsTo("POST", "/v1/payment_intents").Count >= count
            && (await AutoTopUpAsync()).GetProperty("pending") is { ValueKind: JsonValueKind.Object } pending
            && pending.GetProperty("paymentId").ValueKind == JsonValueKind.String, $"charge {count} was not created");
        Assert.Equal(count, _stripe.RequestsTo("POST", "/v1/payment_intents").Count);
        var id = (await AutoTopUpAsync()).GetProperty("pending").GetProperty("paymentId").GetString()!;
        return _stripe.PaymentIntents[id].DeepClone().AsObject();
    }

    private async Task<JsonElement> AutoTopUpAsync() =>
        await Json(await _client.GetAsync($"/v1/tenants/{_owner.TenantId}/credits/auto-top-up"));

    private async Task<JsonElement> WalletAsync() => await Json(await _client.GetAsync($"/v1/tenants/{_owner.TenantId}/credits"));

    /// <summary>The ledger's grants, newest first.</summary>
    private async Task<List<JsonElement>> GrantsAsync() =>
        (await Json(await _client.GetAsync($"/v1/tenants/{_owner.TenantId}/credits/ledger?kind=grant"))).GetProperty("items")
            .EnumerateArray().ToList();

    private string Event(string type, JsonObject stripeObject, JsonObject? previousAttributes = null) =>
        FakeStripe.Event(type, stripeObject, Api.Clock.GetUtcNow(), $"evt_test_{Interlocked.Increment(ref _events)}", previousAttributes);

    private async Task<JsonElement> PostAsync(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/stripe")
        {
            Content = new StringContent(body,
            Encoding.UTF8, "application/json")
        };
        request.Headers.Add("Stripe-Signature", FakeStripe.Sign(body, WebhookSecret, Api.Clock.GetUtcNow()));
        var response = await Api.Anonymous().SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await Json(response);
    }

    private static async Task ExpectCreated(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(response.StatusCode == HttpStatusCode.Created,
            $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _stripe.DisposeAsync();
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Testing;
using static Tollgate.Api.Tests.CatalogFixture;

namespace Tollgate.Api.Tests;

/// <summary>
/// Stripe through real HTTP both ways: Tollgate calls a fake Stripe API (Kestrel on 127.0.0.1,
/// answering with Stripe's example objects), and tests deliver webhooks signed as Stripe signs them.
/// </summary>
public sealed class StripeTests : ApiTestBase
{
    private const string SecretKey = "sk_test_tollgate";
    private const string WebhookSecret = "whsec_tollgate_test";
    private const string ProPrice = "price_123";

    private readonly FakeStripe _stripe = FakeStripe.StartAsync().GetAwaiter().GetResult();
    private HttpClient _ops = null!;
    private Account _owner = null!;
    private HttpClient _client = null!;
    private HttpClient _app = null!;
    private int _events;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Stripe:SecretKey"] = SecretKey,
        ["Stripe:WebhookSecret"] = WebhookSecret,
        ["Stripe:ApiBase"] = _stripe.BaseAddress.AbsoluteUri,
    };

    private async Task SetUpAsync(string email = "payer@example.com")
    {
        _ops = await CreateAsync(Api);
        (_owner, _client, _app) = await TenantAsync(email);
    }

    private async Task<(Account, HttpClient, HttpClient)> TenantAsync(string email)
    {
        var owner = await Api.RegisterAsync(email);
        var client = Api.As(owner.AccessToken);
        return (owner, client, Api.WithApiKey(await Api.IssueApiKeyAsync(owner, "quota:consume")));
    }

    // ---- Checkout, portal, and what goes over the wire ----

    [Fact]
    public async Task Checkout_creates_the_customer_once_and_sends_stripe_the_exact_form()
    {
        await SetUpAsync();
        var response = await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/checkout",
            new { planId = "pro", successUrl = "https://app.example.com/paid?s={CHECKOUT_SESSION_ID}", cancelUrl = "https://app.example.com/pricing" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json(response);
        var sessionId = body.GetProperty("sessionId").GetString()!;
        Assert.StartsWith("cs_test_", sessionId);
        Assert.Equal($"https://checkout.stripe.com/c/pay/{sessionId}", body.GetProperty("url").GetString());

        var customerRequest = Assert.Single(_stripe.RequestsTo("POST", "/v1/customers"));
        Assert.Equal($"tollgate-customer-{_owner.TenantId}", customerRequest.Header("Idempotency-Key"));
        Assert.Equal(_owner.TenantId, customerRequest.Field("metadata[tenantId]"));
        var checkout = Assert.Single(_stripe.RequestsTo("POST", "/v1/checkout/sessions"));
        Assert.Equal($"Bearer {SecretKey}", checkout.Header("Authorization"));
        // Stripe.net pins the API version its typed objects are shaped for.
        Assert.Equal(Stripe.StripeConfiguration.ApiVersion, checkout.Header("Stripe-Version"));
        Assert.False(string.IsNullOrEmpty(checkout.Header("Idempotency-Key")));
        Assert.Equal("application/x-www-form-urlencoded; charset=utf-8", checkout.Header("Content-Type"));
        var customerId = await CustomerIdAsync();
        Assert.StartsWith("cus_", customerId);
        // Stripe reads fields by name, and Stripe.net writes them in its own order.
        KeyValuePair<string, string>[] expected =
            [
                new("mode", "subscription"),
                new("customer", customerId),
                new("client_reference_id", _owner.TenantId),
                new("line_items[0][price]", ProPrice),
                new("line_items[0][quantity]", "1"),
                new("metadata[tenantId]", _owner.TenantId),
                new("subscription_data[metadata][tenantId]", _owner.TenantId),
                new("subscription_data[trial_period_days]", "14"),
                new("success_url", "https://app.example.com/paid?s=%7BCHECKOUT_SESSION_ID%7D"),
                new("cancel_url", "https://app.example.com/pricing"),
            ];
        Assert.Equal(expected.OrderBy(f => f.Key, StringComparer.Ordinal), checkout.Form.OrderBy(f => f.Key, StringComparer.Ordinal));

        // The second checkout reuses the customer.
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/checkout",
            new { planId = "pro", successUrl = "https://app.example.com/ok", cancelUrl = "https://app.example.com/no" })).StatusCode);
        Assert.Single(_stripe.RequestsTo("POST", "/v1/customers"));
        Assert.Equal(customerId, _stripe.RequestsTo("POST", "/v1/checkout/sessions")[1].Field("customer"));
        var actions = await AuditActionsAsync(_owner.TenantId);
        Assert.Equal(1, actions.Count(a => a == "billing.customer_created"));
        Assert.Equal(2, actions.Count(a => a == "billing.checkout_created"));
    }

    [Fact]
    public async Task A_checkout_idempotency_key_replays_the_same_request_and_refuses_a_different_one()
    {
        await SetUpAsync();
        Task<HttpResponseMessage> Checkout(string key, string successUrl)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{_owner.TenantId}/checkout")
            {
                Content = JsonContent.Create(new { planId = "pro", successUrl, cancelUrl = "https://app.example.com/no" }),
            };
            request.Headers.Add("Idempotency-Key", key);
            return _client.SendAsync(request);
        }

        var first = await Checkout("co-1", "https://app.example.com/ok");
        var again = await Checkout("co-1", "https://app.example.com/ok");
        var other = await Checkout("co-1", "https://app.example.com/elsewhere");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        await AssertProblem(other, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Single(_stripe.RequestsTo("POST", "/v1/checkout/sessions"));

        // A key it cannot keep is refused, not dropped: a dropped key would let a retry make a second session.
        await AssertProblem(await Checkout(new string('k', 201), "https://app.example.com/ok"), HttpStatusCode.BadRequest, "validation_failed");
        Assert.Single(_stripe.RequestsTo("POST", "/v1/checkout/sessions"));
    }

    [Fact]
    public async Task Checkout_refuses_bad_input_plans_that_cannot_be_bought_and_other_tenants()
    {
        await SetUpAsync();
        var url = $"/v1/tenants/{_owner.TenantId}/checkout";
        await AssertProblem(await _client.PostAsJsonAsync(url, new { planId = "plus", successUrl = "https://a.example/ok", cancelUrl = "https://a.example/no" }), HttpStatusCode.Conflict, "plan_not_purchasable");
        await AssertProblem(await _client.PostAsJsonAsync(url, new { planId = "nope", successUrl = "https://a.example/ok", cancelUrl = "https://a.example/no" }), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await _client.PostAsJsonAsync(url, new { planId = "pro", successUrl = "/relative", cancelUrl = "javascript:alert(1)" }), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await _client.PostAsJsonAsync(url, new { successUrl = "https://a.example/ok", cancelUrl = "https://a.example/no" }), HttpStatusCode.BadRequest, "validation_failed");
        var (_, stranger, _) = await TenantAsync("stranger@example.com");
        await AssertProblem(await stranger.PostAsJsonAsync(url, new { planId = "pro", successUrl = "https://a.example/ok", cancelUrl = "https://a.example/no" }), HttpStatusCode.NotFound);
        await AssertProblem(await stranger.GetAsync($"/v1/tenants/{_owner.TenantId}/invoices"), HttpStatusCode.NotFound);
        await AssertProblem(await stranger.GetAsync($"/v1/tenants/{_owner.TenantId}/payments"), HttpStatusCode.NotFound);
        Assert.Empty(_stripe.Requests); // nothing reached Stripe
    }

    [Fact]
    public async Task Stripe_failures_are_retried_under_one_idempotency_key_and_refusals_become_clear_problems()
    {
        await SetUpAsync();
        var url = $"/v1/tenants/{_owner.TenantId}/billing-portal";
        _stripe.FailNext("/v1/customers", 500, times: 2);
        var response = await _client.PostAsJsonAsync(url, new { returnUrl = "https://app.example.com/account" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.StartsWith("https://billing.stripe.com/p/session/", (await Json(response)).GetProperty("url").GetString());
        var attempts = _stripe.RequestsTo("POST", "/v1/customers");
        Assert.Equal(3, attempts.Count);
        Assert.Single(attempts.Select(a => a.Header("Idempotency-Key")).Distinct());
        var portal = Assert.Single(_stripe.RequestsTo("POST", "/v1/billing_portal/sessions"));
        Assert.Equal(await CustomerIdAsync(), portal.Field("customer"));
        Assert.Equal("https://app.example.com/account", portal.Field("return_url"));

        _stripe.FailNext("/v1/billing_portal", 503, times: 10);
        var unavailable = await _client.PostAsJsonAsync(url, new { returnUrl = "https://app.example.com/account" });
        await AssertProblem(unavailable, HttpStatusCode.ServiceUnavailable, "payment_provider_unavailable");
        Assert.NotNull(unavailable.Headers.RetryAfter);

        await AssertProblem(await _client.PostAsJsonAsync(url, new { returnUrl = "not a url" }), HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task A_stripe_refusal_carries_its_code_and_param_and_is_not_retried()
    {
        await SetUpAsync();
        await CheckoutAsync(); // the customer exists now
        _stripe.Subscriptions.Clear();
        var subscription = Subscription("sub_gone", await CustomerIdAsync(), "active", At(0), At(30));
        await DeliverAsync("customer.subscription.created", subscription, At(0));
        _stripe.Subscriptions.TryRemove("sub_gone", out _); // Stripe no longer knows it

        var before = _stripe.Requests.Count;
        var response = await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/subscription/cancel", new { atPeriodEnd = true });
        await AssertProblem(response, HttpStatusCode.BadGateway, "payment_provider_error");
        var problem = await Json(response);
        Assert.Equal("resource_missing", problem.GetProperty("providerCode").GetString());
        Assert.Equal("id", problem.GetProperty("providerParam").GetString());
        Assert.Equal(before + 1, _stripe.Requests.Count);
    }

    // ---- Webhooks: signatures and bad input ----

    [Fact]
    public async Task Webhooks_with_a_missing_wrong_or_stale_signature_or_bad_json_change_nothing()
    {
        await SetUpAsync();
        var customerId = await CheckoutAsync();
        var body = Event("customer.subscription.created", Subscription("sub_1", customerId, "active", At(0), At(30)), At(0));
        var now = DateTimeOffset.UtcNow;

        await AssertProblem(await PostWebhookAsync(body, null), HttpStatusCode.BadRequest, "invalid_signature");
        await AssertProblem(await PostWebhookAsync(body, Sign(body, "whsec_wrong", now)), HttpStatusCode.BadRequest, "invalid_signature");
        await AssertProblem(await PostWebhookAsync(body, Sign(body, WebhookSecret, now.AddSeconds(-301))), HttpStatusCode.BadRequest, "invalid_signature");
        await AssertProblem(await PostWebhookAsync(body, "t=abc,v1=zz"), HttpStatusCode.BadRequest, "invalid_signature");
        var tampered = body.Replace("\"active\"", "\"trialing\"");
        await AssertProblem(await PostWebhookAsync(tampered, Sign(body, WebhookSecret, now)), HttpStatusCode.BadRequest, "invalid_signature");
        const string notJson = "{\"id\": \"evt_1\", \"type\": ";
        await AssertProblem(await PostWebhookAsync(notJson, Sign(notJson, WebhookSecret, now)), HttpStatusCode.BadRequest, "malformed_request");
        const string noObject = "{\"id\": \"evt_2\", \"type\": \"invoice.paid\", \"created\": 1700000000, \"data\": {}}";
        await AssertProblem(await PostWebhookAsync(noObject, Sign(noObject, WebhookSecret, now)), HttpStatusCode.BadRequest, "malformed_request");
        Assert.Equal("free", (await SubscriptionAsync()).GetProperty("planId").GetString());

        // Several v1 signatures (a secret being rolled): one matching is enough.
        var good = Sign(body, WebhookSecret, now);
        var rolled = $"{good.Split(',')[0]},v1={new string('0', 64)},{good.Split(',')[1]}";
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(body, rolled)).StatusCode);
        Assert.Equal("pro", (await SubscriptionAsync()).GetProperty("planId").GetString());
    }

    public static TheoryData<string> NotEvents => new()
    {
        "null",
        "[]",
        "\"evt_1\"",
        "{\"object\": 5}",
        "{\"id\": \"evt_3\", \"type\": \"invoice.paid\", \"created\": \"yesterday\", \"data\": {}}",
        "{\"id\": \"evt_4\", \"type\": \"invoice.paid\", \"data\": {\"object\": {\"object\": \"invoice\"}}}",
        "{\"id\": \"evt_5\", \"type\": \"invoice.paid\", \"created\": 1700000000, \"data\": {\"object\": \"in_1\"}}",
        "{\"id\": \"evt_6\", \"type\": \"invoice.paid\", \"created\": 1700000000, \"data\": {\"object\": {\"object\": \"invoice\"}}}",
        "{\"id\": \"evt_7\", \"type\": \"customer.subscription.created\", \"created\": 1700000000, "
            + "\"data\": {\"object\": {\"object\": \"customer\"}}}",
    };

    [Theory]
    [MemberData(nameof(NotEvents))]
    public async Task Signed_bodies_that_are_not_usable_events_get_400_not_500(string body)
    {
        var response = await PostWebhookAsync(body, Sign(body, WebhookSecret, DateTimeOffset.UtcNow));
        await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
    }

    [Fact]
    public async Task Unknown_event_types_and_unknown_tenants_are_acknowledged_and_ignored()
    {
        await SetUpAsync();
        var unknownType = await DeliverAsync("customer.created", FakeStripe.Fixture("customer"), At(0));
        Assert.Equal("ignored", unknownType.GetProperty("outcome").GetString());
        var stranger = await DeliverAsync("customer.subscription.created", Subscription("sub_x", "cus_nobody", "active", At(0), At(30)), At(0));
        Assert.Equal("ignored", stranger.GetProperty("outcome").GetString());
        var spoofed = Subscription("sub_y", "cus_nobody", "active", At(0), At(30), tenantId: "no-such-tenant");
        Assert.Equal("ignored", (await DeliverAsync("customer.subscription.created", spoofed, At(0))).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task An_event_for_an_unknown_customer_answers_ignored_on_every_delivery_not_duplicate()
    {
        await SetUpAsync();
        var body = Event("customer.subscription.created", Subscription("sub_z", "cus_unknown", "active", At(0), At(30)), At(0), id: "evt_stranger");

        for (var delivery = 1; delivery <= 3; delivery++) // Stripe redelivers what it thinks failed
        {
            var response = await PostWebhookAsync(body, Sign(body, WebhookSecret, Api.Clock.GetUtcNow()));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("ignored", (await Json(response)).GetProperty("outcome").GetString());
        }
    }

    [Fact]
    public async Task An_event_applies_only_to_the_tenant_that_owns_its_customer_and_an_event_id_to_one_tenant_only()
    {
        await SetUpAsync();
        var customerA = await CheckoutAsync();
        var (b, bClient, _) = await TenantAsync("second@example.com");
        Assert.Equal(HttpStatusCode.Created, (await bClient.PostAsJsonAsync($"/v1/tenants/{b.TenantId}/checkout",
            new { planId = "pro", successUrl = "https://app.example.com/ok", cancelUrl = "https://app.example.com/no" })).StatusCode);
        var customerB = await CustomerIdAsync(b.TenantId);
        Assert.NotEqual(customerA, customerB);

        // A's customer, with B's id put in the metadata: acknowledged, applied to nobody, audited for B.
        var spoofed = await DeliverAsync("customer.subscription.created", Subscription("sub_s", customerA, "active", At(0), At(30), tenantId: b.TenantId), At(0));
        // One event id delivered for each tenant's customer: only the first applies.
        var first = Event("customer.subscription.created", Subscription("sub_a", customerA, "active", At(0), At(30)), At(0), id: "evt_shared");
        var second = Event("customer.subscription.created", Subscription("sub_b", customerB, "active", At(0), At(30)), At(0), id: "evt_shared");
        var firstAnswer = await PostWebhookAsync(first, Sign(first, WebhookSecret, DateTimeOffset.UtcNow));
        var secondAnswer = await PostWebhookAsync(second, Sign(second, WebhookSecret, DateTimeOffset.UtcNow));

        Assert.Equal("ignored", spoofed.GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.OK, firstAnswer.StatusCode);
        Assert.Equal("applied", (await Json(firstAnswer)).GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.OK, secondAnswer.StatusCode);
        Assert.Equal("duplicate", (await Json(secondAnswer)).GetProperty("outcome").GetString());
        var stateA = await SubscriptionAsync();
        Assert.Equal("sub_a", stateA.GetProperty("provider").GetProperty("subscriptionId").GetString());
        var stateB = await Json(await bClient.GetAsync($"/v1/tenants/{b.TenantId}/subscription"));
        Assert.Equal("free", stateB.GetProperty("planId").GetString());
        Assert.DoesNotContain("subscription.synced", await AuditActionsAsync(b.TenantId));
        Assert.Single(await AuditActionsAsync(b.TenantId), a => a == "billing.webhook_refused");
        Assert.Single(await AuditActionsAsync(_owner.TenantId), a => a == "subscription.synced");
    }

    // ---- Webhooks: subscriptions ----

    [Fact]
    public async Task A_subscription_event_puts_the_tenant_on_the_plan_once_however_often_it_is_delivered()
    {
        await SetUpAsync();
        var customerId = await CheckoutAsync();
        var subscription = Subscription("sub_1", customerId, "active", At(0), At(30));
        var body = Event("customer.subscription.created", subscription, At(0));

        for (var i = 0; i < 3; i++)
        {
            var response = await PostWebhookAsync(body, Sign(body, WebhookSecret, DateTimeOffset.UtcNow));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(i == 0 ? "applied" : "duplicate", (await Json(response)).GetProperty("outcome").GetString());
        }

        var state = await SubscriptionAsync();
        Assert.Equal("pro", state.GetProperty("planId").GetString());
        Assert.Equal("active", state.GetProperty("status").GetString());
        Assert.Equal("sub_1", state.GetProperty("provider").GetProperty("subscriptionId").GetString());
        Assert.Equal(At(0), state.GetProperty("currentPeriodStart").GetDateTimeOffset());
        Assert.Equal(At(30), state.GetProperty("currentPeriodEnd").GetDateTimeOffset());
        Assert.Single(await AuditActionsAsync(_owner.TenantId), a => a == "subscription.synced");
        var consumed = await Json(await _app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 }));
        Assert.Equal(50_000, consumed.GetProperty("limit").GetInt64());

        // Changes to a paid subscription go through Stripe, not around it.
        await AssertProblem(await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/subscription", new { planId = "plus" }), HttpStatusCode.Conflict);
        await AssertProblem(await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/checkout",
            new { planId = "pro", successUrl = "https://a.example/ok", cancelUrl = "https://a.example/no" }), HttpStatusCode.Conflict, "already_subscribed");
    }

    public static TheoryData<int[]> Orders => new() { new[] { 0, 1, 2 }, new[] { 0, 2, 1 }, new[] { 1, 0, 2 }, new[] { 1, 2, 0 }, new[] { 2, 0, 1 }, new[] { 2, 1, 0 } };

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Created_updated_deleted_in_any_delivery_order_ends_on_the_default_plan(int[] order)
    {
        await SetUpAsync();
        var customerId = await CheckoutAsync();
        var events = new[]
        {
            Event("customer.subscription.created", Subscription("sub_1", customerId, "trialing", At(0), At(14), trialEnd: At(14)), At(0)),
            Event("customer.subscription.updated", Subscription("sub_1", customerId, "active", At(14), At(44)), At(14)),
            Event("customer.subscription.deleted", Subscription("sub_1", customerId, "canceled", At(14), At(44)), At(20)),
        };
        foreach (var index in order) Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(events[index], Sign(events[index], WebhookSecret, DateTimeOffset.UtcNow))).StatusCode);

        var state = await SubscriptionAsync();
        Assert.Equal("free", state.GetProperty("planId").GetString());
        Assert.Equal("default", state.GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, state.GetProperty("provider").ValueKind);
        var consumed = await Json(await _app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 }));
        Assert.Equal(100, consumed.GetProperty("limit").GetInt64());
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Created_and_two_updates_in_any_delivery_order_end_in_the_newest_state(int[] order)
    {
        await SetUpAsync();
        var customerId = await CheckoutAsync();
        var events = new[]
        {
            Event("customer.subscription.created", Subscription("sub_1", customerId, "incomplete", At(0), At(30)), At(0)),
            Event("customer.subscription.updated", Subscription("sub_1", customerId, "active", At(0), At(30)), At(1)),
            Event("customer.subscription.updated", Subscription("sub_1", customerId, "active", At(0), At(30), cancelAtPeriodEnd: true), At(5)),
        };
        foreach (var index in order) await PostWebhookAsync(events[index], Sign(events[index], WebhookSecret, DateTimeOffset.UtcNow));

        var state = await SubscriptionAsync();
        Assert.Equal("pro", state.GetProperty("planId").GetString());
        Assert.Equal("active", state.GetProperty("status").GetString());
        Assert.True(state.GetProperty("cancelAtPeriodEnd").GetBoolean());
    }

    [Fact]
    public async Task Checkout_completion_fetches_the_subscription_from_stripe()
    {
        await SetUpAsync();
        var customerId = await CheckoutAsync();
        _stripe.Subscriptions["sub_from_checkout"] = Subscription("sub_from_checkout", customerId, "trialing", At(0), At(14), trialEnd: At(14));
        var session = FakeStripe.Fixture("checkout.session");
        session["id"] = "cs_test_done";
        session["mode"] = "subscription";
        session["customer"] = customerId;
        session["subscription"] = "sub_from_checkout";
        session["client_reference_id"] = _owner.TenantId;
        session["metadata"] = new JsonObject { ["tenantId"] = _owner.TenantId };
        Assert.Equal("applied", (await DeliverAsync("checkout.session.completed", session, At(0))).GetProperty("outcome").GetString());

        Assert.Single(_stripe.RequestsTo("GET", "/v1/subscriptions/sub_from_checkout"));
        var state = await SubscriptionAsync();
        Assert.Equal("pro", state.GetProperty("planId").GetString());
        Assert.Equal("trialing", state.GetProperty("status").GetString());
        Assert.Equal(At(14), state.GetProperty("trialEnd").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_price_no_plan_has_answers_5xx_so_stripe_retries_and_nothing_is_half_applied()
    {
        await SetUpAsync();
        var customerId = await CheckoutAsync();
        var subscription = Subscription("sub_1", customerId, "active", At(0), At(30), price: "price_unknown");
        var body = Event("customer.subscription.created", subscription, At(0));
        var response = await PostWebhookAsync(body, Sign(body, WebhookSecret, DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("free", (await SubscriptionAsync()).GetProperty("planId").GetString());

        // Once the operator maps the price, Stripe's retry of the same event applies.
        Assert.Equal(HttpStatusCode.Created, (await _ops.PostAsJsonAsync("/v1/admin/plans", new
        {
            id = "team", name = "Team", priceMinor = 5_000, currency = "USD", interval = "month", stripePriceId = "price_unknown",
            quotas = new Dictionary<string, long> { [Messages] = 7_000 },
        })).StatusCode);
        var retried = await PostWebhookAsync(body, Sign(body, WebhookSecret, DateTimeOffset.UtcNow));
        Assert.Equal("applied", (await Json(retried)).GetProperty("outcome").GetString());
        Assert.Equal("team", (await SubscriptionAsync()).GetProperty("planId").GetString());
    }

    // ---- Webhooks: invoices, payments, past due ----

    [Fact]
    public async Task Invoices_and_payments_are_recorded_past_due_keeps_quotas_for_the_grace_period_and_payment_restores_them()
    {
        await SetUpAsync();
        var customerId = await CheckoutAsync();
        var now = Api.Clock.GetUtcNow();
        var start = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        await DeliverAsync("customer.subscription.created", Subscription("sub_1", customerId, "active", start, start.AddDays(30)), start);
        await DeliverAsync("invoice.paid", Invoice("in_1", customerId, "sub_1", "paid", 2_000, 2_000, start, start.AddDays(30)), start);

        // Renewal fails: past due, quotas kept for the plan's grace period (7 days by default).
        var renewal = start.AddDays(30);
        await DeliverAsync("invoice.payment_failed", Invoice("in_2", customerId, "sub_1", "open", 2_000, 0, renewal, renewal.AddDays(30), attempts: 1, nextAttempt: renewal.AddDays(3)), renewal);
        var state = await SubscriptionAsync();
        Assert.Equal("past_due", state.GetProperty("status").GetString());
        Assert.False(state.GetProperty("quotasSuspended").GetBoolean());
        Assert.Equal(renewal.AddDays(7), state.GetProperty("graceEndsAt").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.OK, (await _app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 })).StatusCode);

        // The grace period runs out: the reminder suspends the quotas.
        Api.Clock.Advance(renewal.AddDays(7) - now + TimeSpan.FromMinutes(1));
        await EventuallyAsync(async () => (await AuditActionsAsync(_owner.TenantId)).Contains("subscription.suspended"), "the quotas were never suspended");
        var refused = await _app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 });
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        Assert.Equal(0, (await Json(refused)).GetProperty("limit").GetInt64());

        // Paid at last: active again, the new period, quotas back.
        await DeliverAsync("invoice.paid", Invoice("in_2", customerId, "sub_1", "paid", 2_000, 2_000, renewal, renewal.AddDays(30), attempts: 2), renewal.AddDays(8));
        state = await SubscriptionAsync();
        Assert.Equal("active", state.GetProperty("status").GetString());
        Assert.False(state.GetProperty("quotasSuspended").GetBoolean());
        Assert.Equal(renewal, state.GetProperty("currentPeriodStart").GetDateTimeOffset());
        Assert.Equal(renewal.AddDays(30), state.GetProperty("currentPeriodEnd").GetDateTimeOffset());
        var allowed = await Json(await _app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 }));
        Assert.Equal(50_000, allowed.GetProperty("limit").GetInt64());

        var invoices = (await Json(await _client.GetAsync($"/v1/tenants/{_owner.TenantId}/invoices"))).EnumerateArray().ToList();
        Assert.Equal(["in_2", "in_1"], invoices.Select(i => i.GetProperty("id").GetString()));
        Assert.Equal("paid", invoices[0].GetProperty("status").GetString()); // as last reported
        Assert.Equal(2_000, invoices[0].GetProperty("amountPaid").GetInt64());
        Assert.Equal("USD", invoices[0].GetProperty("currency").GetString());
        Assert.Equal("https://invoice.stripe.com/i/in_2", invoices[0].GetProperty("hostedInvoiceUrl").GetString());
        Assert.Equal("https://pay.stripe.com/invoice/in_2/pdf", invoices[0].GetProperty("invoicePdf").GetString());
        Assert.Equal(renewal, invoices[0].GetProperty("periodStart").GetDateTimeOffset());
        Assert.Equal("sub_1", invoices[0].GetProperty("subscriptionId").GetString());

        var payments = (await Json(await _client.GetAsync($"/v1/tenants/{_owner.TenantId}/payments"))).EnumerateArray().ToList();
        Assert.Equal(["succeeded", "failed", "succeeded"], payments.Select(p => p.GetProperty("status").GetString()));
        Assert.Equal(renewal.AddDays(3), payments[1].GetProperty("nextAttemptAt").GetDateTimeOffset());
        Assert.All(payments, p => Assert.Equal(2_000, p.GetProperty("amount").GetInt64()));
        var actions = await AuditActionsAsync(_owner.TenantId);
        Assert.Equal(2, actions.Count(a => a == "billing.invoice_paid"));
        Assert.Single(actions, a => a == "billing.payment_failed");

        // Revenue analytics: 2,000 MRR from the subscription's start, past due or not; each paid invoice is revenue in the month
        // Stripe paid it, the failed attempt none. The clock moves past the last payment, so its month is not in the future.
        Api.Clock.Advance(TimeSpan.FromDays(1));
        var months = (await Json(await _ops.GetAsync($"/v1/admin/analytics?from={start:yyyy-MM}&to={renewal.AddDays(8):yyyy-MM}")))
            .GetProperty("months").EnumerateArray().ToList();
        Assert.All(months, m => Assert.Equal(("usd", 2_000L, 1), (m.GetProperty("currency").GetString(),
            m.GetProperty("mrrMinor").GetInt64(), m.GetProperty("payingTenants").GetInt32())));
        Assert.Equal((2_000L, 2_000L), (months[0].GetProperty("newMrrMinor").GetInt64(), months[0].GetProperty("revenueMinor").GetInt64()));
        Assert.Equal(2_000, months[^1].GetProperty("revenueMinor").GetInt64());
        Assert.Equal(4_000, months.Sum(m => m.GetProperty("revenueMinor").GetInt64()));
    }

    [Fact]
    public async Task Unpaid_suspends_at_once_and_a_late_old_invoice_does_not_undo_it()
    {
        await SetUpAsync();
        var customerId = await CheckoutAsync();
        await DeliverAsync("customer.subscription.created", Subscription("sub_1", customerId, "active", At(30), At(60)), At(30));
        await DeliverAsync("customer.subscription.updated", Subscription("sub_1", customerId, "unpaid", At(30), At(60)), At(45));
        Assert.True((await SubscriptionAsync()).GetProperty("quotasSuspended").GetBoolean());
        // The previous period's invoice, delivered late, pays no part of this period.
        await DeliverAsync("invoice.paid", Invoice("in_old", customerId, "sub_1", "paid", 2_000, 2_000, At(0), At(30)), At(1));
        var state = await SubscriptionAsync();
        Assert.True(state.GetProperty("quotasSuspended").GetBoolean());
        Assert.Equal(HttpStatusCode.PaymentRequired, (await _app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 })).StatusCode);
    }

    // ---- Cancel and resume go to Stripe ----

    [Fact]
    public async Task Cancel_and_resume_of_a_paid_subscription_go_to_stripe()
    {
        await SetUpAsync();
        var customerId = await CheckoutAsync();
        var subscription = Subscription("sub_1", customerId, "active", At(0), At(30));
        _stripe.Subscriptions["sub_1"] = subscription;
        await DeliverAsync("customer.subscription.created", subscription, At(0));

        var canceled = await Json(await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/subscription/cancel", new { atPeriodEnd = true }));
        Assert.True(canceled.GetProperty("cancelAtPeriodEnd").GetBoolean());
        Assert.Equal("true", Assert.Single(_stripe.RequestsTo("POST", "/v1/subscriptions/sub_1")).Field("cancel_at_period_end"));

        var resumed = await Json(await _client.PostAsync($"/v1/tenants/{_owner.TenantId}/subscription/resume", null));
        Assert.False(resumed.GetProperty("cancelAtPeriodEnd").GetBoolean());
        Assert.Equal("false", _stripe.RequestsTo("POST", "/v1/subscriptions/sub_1")[1].Field("cancel_at_period_end"));

        var ended = await Json(await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/subscription/cancel", new { atPeriodEnd = false }));
        var delete = Assert.Single(_stripe.RequestsTo("DELETE", "/v1/subscriptions/sub_1"));
        Assert.False(string.IsNullOrEmpty(delete.Header("Idempotency-Key")));
        Assert.Equal("free", ended.GetProperty("planId").GetString());

        // Stripe's own webhook about the deletion, arriving afterwards, changes nothing more.
        var late = Subscription("sub_1", customerId, "canceled", At(0), At(30));
        Assert.Equal("stale", (await DeliverAsync("customer.subscription.deleted", late, At(1))).GetProperty("outcome").GetString());
        Assert.Equal("free", (await SubscriptionAsync()).GetProperty("planId").GetString());
    }

    // ---- helpers ----

    /// <summary>Fixed Stripe times: day <paramref name="days"/> after a fixed epoch.</summary>
    private static DateTimeOffset At(int days) => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(days);

    /// <summary>Starts a checkout so the tenant has a Stripe customer; returns its id.</summary>
    private async Task<string> CheckoutAsync()
    {
        var response = await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/checkout",
            new { planId = "pro", successUrl = "https://app.example.com/ok", cancelUrl = "https://app.example.com/no" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await CustomerIdAsync();
    }

    /// <summary>The Stripe customer Tollgate keeps for the tenant, as its audit log records it.</summary>
    private async Task<string> CustomerIdAsync(string? tenantId = null)
    {
        var entries = (await Json(await _ops.GetAsync($"/v1/admin/audit-log?tenantId={tenantId ?? _owner.TenantId}&action=billing.customer_created"))).GetProperty("items");
        return Assert.Single(entries.EnumerateArray()).GetProperty("resourceId").GetString()!;
    }

    private static JsonObject Subscription(string id, string customer, string status, DateTimeOffset start, DateTimeOffset end,
        DateTimeOffset? trialEnd = null, bool cancelAtPeriodEnd = false, string price = ProPrice, string? tenantId = null)
    {
        var subscription = FakeStripe.Fixture("subscription");
        subscription["id"] = id;
        subscription["customer"] = customer;
        subscription["status"] = status;
        subscription["billing_cycle_anchor"] = start.ToUnixTimeSeconds();
        subscription["trial_end"] = trialEnd?.ToUnixTimeSeconds();
        subscription["cancel_at_period_end"] = cancelAtPeriodEnd;
        subscription["metadata"] = tenantId is null ? new JsonObject() : new JsonObject { ["tenantId"] = tenantId };
        var item = subscription["items"]!["data"]![0]!;
        item["subscription"] = id;
        item["price"]!["id"] = price;
        item["current_period_start"] = start.ToUnixTimeSeconds();
        item["current_period_end"] = end.ToUnixTimeSeconds();
        return subscription;
    }

    private static JsonObject Invoice(string id, string customer, string subscriptionId, string status, long due, long paid,
        DateTimeOffset periodStart, DateTimeOffset periodEnd, int attempts = 1, DateTimeOffset? nextAttempt = null)
    {
        var invoice = FakeStripe.Fixture("invoice");
        invoice["id"] = id;
        invoice["customer"] = customer;
        invoice["status"] = status;
        invoice["amount_due"] = due;
        invoice["amount_paid"] = paid;
        invoice["amount_remaining"] = due - paid;
        invoice["attempt_count"] = attempts;
        invoice["next_payment_attempt"] = nextAttempt?.ToUnixTimeSeconds();
        invoice["billing_reason"] = "subscription_cycle";
        invoice["created"] = periodStart.ToUnixTimeSeconds();
        invoice["hosted_invoice_url"] = $"https://invoice.stripe.com/i/{id}";
        invoice["invoice_pdf"] = $"https://pay.stripe.com/invoice/{id}/pdf";
        invoice["parent"] = new JsonObject
        {
            ["type"] = "subscription_details",
            ["quote_details"] = null,
            ["subscription_details"] = new JsonObject { ["metadata"] = new JsonObject(), ["subscription"] = subscriptionId },
        };
        var line = invoice["lines"]!["data"]![0]!;
        line["period"] = new JsonObject { ["start"] = periodStart.ToUnixTimeSeconds(), ["end"] = periodEnd.ToUnixTimeSeconds() };
        return invoice;
    }

    private string Event(string type, JsonObject stripeObject, DateTimeOffset created, string? id = null)
    {
        var stripeEvent = FakeStripe.Fixture("event");
        stripeEvent["id"] = id ?? $"evt_test_{Interlocked.Increment(ref _events)}_{type.Replace('.', '_')}";
        stripeEvent["type"] = type;
        stripeEvent["created"] = created.ToUnixTimeSeconds();
        stripeEvent["api_version"] = "2025-09-30.clover";
        stripeEvent["data"] = new JsonObject { ["object"] = JsonNode.Parse(stripeObject.ToJsonString()) };
        return stripeEvent.ToJsonString();
    }

    private async Task<JsonElement> DeliverAsync(string type, JsonObject stripeObject, DateTimeOffset created)
    {
        var body = Event(type, stripeObject, created);
        var response = await PostWebhookAsync(body, Sign(body, WebhookSecret, Api.Clock.GetUtcNow()));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{type}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await Json(response);
    }

    /// <summary>Signs as Stripe does, written here independently of Tollgate's verifier.</summary>
    private static string Sign(string body, string secret, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexString(mac).ToLowerInvariant()}";
    }

    private async Task<HttpResponseMessage> PostWebhookAsync(string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/stripe") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null) request.Headers.Add("Stripe-Signature", signature);
        var response = await Api.Anonymous().SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private async Task<JsonElement> SubscriptionAsync() => await Json(await _client.GetAsync($"/v1/tenants/{_owner.TenantId}/subscription"));

    private Task<List<string>> AuditActionsAsync(string tenantId) => AuditActionsAsync(_ops, tenantId);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _stripe.DisposeAsync();
    }
}

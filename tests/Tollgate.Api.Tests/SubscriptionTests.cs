using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Tollgate.Api.Tests.CatalogFixture;

namespace Tollgate.Api.Tests;

/// <summary>
/// Subscriptions and windows over time. The clock is shifted forward; reminders then fire as they
/// would at the real boundary. Tokens are made before shifting (JWT lifetimes use the real clock).
/// </summary>
public sealed class SubscriptionTests : ApiTestBase
{
    private HttpClient _ops = null!;
    private Account _owner = null!;
    private HttpClient _app = null!;
    private HttpClient _client = null!;

    private async Task SetUpAsync()
    {
        _ops = await CreateAsync(Api);
        _owner = await Api.RegisterAsync("sub@example.com");
        _client = Api.As(_owner.AccessToken);
        _app = Api.WithApiKey(await Api.IssueApiKeyAsync(_owner, "quota:consume"));
    }

    [Fact]
    public async Task A_new_tenant_starts_on_the_default_plan_and_renews_by_reminder()
    {
        await SetUpAsync();
        var subscription = await SubscriptionAsync();
        Assert.Equal("free", subscription.GetProperty("planId").GetString());
        Assert.Equal("active", subscription.GetProperty("status").GetString());
        var start = subscription.GetProperty("currentPeriodStart").GetDateTimeOffset();
        Assert.Equal(start.AddMonths(1), subscription.GetProperty("currentPeriodEnd").GetDateTimeOffset());

        Api.Clock.Advance(TimeSpan.FromDays(32));

        // Nothing asks the subscription: only its reminder can renew it.
        await EventuallyAsync(async () => (await AuditActionsAsync()).Contains("subscription.renewed"), "the reminder never renewed the subscription");
        subscription = await SubscriptionAsync();
        Assert.Equal(start.AddMonths(1), subscription.GetProperty("currentPeriodStart").GetDateTimeOffset());
        Assert.Equal(start.AddMonths(2), subscription.GetProperty("currentPeriodEnd").GetDateTimeOffset());
    }

    [Fact]
    public async Task After_downtime_every_missed_renewal_is_applied_exactly_once()
    {
        await SetUpAsync();
        var start = (await SubscriptionAsync()).GetProperty("currentPeriodStart").GetDateTimeOffset();

        Api.Clock.Advance(TimeSpan.FromDays(95)); // three boundaries at once
        await EventuallyAsync(async () => (await AuditActionsAsync()).Count(a => a == "subscription.renewed") >= 3, "missed renewals were not caught up");
        await Task.Delay(300); // further ticks must not renew again

        Assert.Equal(3, (await AuditActionsAsync()).Count(a => a == "subscription.renewed"));
        var subscription = await SubscriptionAsync();
        Assert.Equal(start.AddMonths(3), subscription.GetProperty("currentPeriodStart").GetDateTimeOffset());
    }

    [Fact]
    public async Task Windows_reset_at_their_boundary_and_lifetime_quotas_never_do()
    {
        await SetUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await ConsumeAsync(Messages, 100)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ConsumeAsync(Tokens, 1_000)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ConsumeAsync(Seats, 3)).StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, (await ConsumeAsync(Tokens, 1)).StatusCode);

        var now = Api.Clock.GetUtcNow();
        Api.Clock.Advance(new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero) - now + TimeSpan.FromSeconds(1)); // past 00:00 UTC
        var tokens = await ConsumeAsync(Tokens, 1);
        Assert.Equal(HttpStatusCode.OK, tokens.StatusCode);
        Assert.Equal(1, (await Json(tokens)).GetProperty("used").GetInt64());
        Assert.Equal(HttpStatusCode.PaymentRequired, (await ConsumeAsync(Messages, 1)).StatusCode); // monthly: not yet

        Api.Clock.Advance(TimeSpan.FromDays(32));
        Assert.Equal(HttpStatusCode.OK, (await ConsumeAsync(Messages, 100)).StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, (await ConsumeAsync(Seats, 1)).StatusCode);
    }

    [Fact]
    public async Task An_upgrade_applies_at_once_and_a_downgrade_at_the_period_end()
    {
        await SetUpAsync();
        await ConsumeAsync(Messages, 80);

        var upgraded = await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/subscription", new { planId = "plus" });
        Assert.Equal(HttpStatusCode.OK, upgraded.StatusCode);
        var afterUpgrade = await Json(await ConsumeAsync(Messages, 100));
        Assert.Equal((1_000, 180), (afterUpgrade.GetProperty("limit").GetInt64(), afterUpgrade.GetProperty("used").GetInt64())); // usage kept

        var downgraded = await Json(await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/subscription", new { planId = "free" }));
        Assert.Equal("plus", downgraded.GetProperty("planId").GetString());
        Assert.Equal("free", downgraded.GetProperty("pendingPlanId").GetString());
        Assert.Equal(1_000, (await Json(await ConsumeAsync(Messages, 1))).GetProperty("limit").GetInt64());

        Api.Clock.Advance(TimeSpan.FromDays(32));
        await EventuallyAsync(async () => (await SubscriptionAsync()).GetProperty("planId").GetString() == "free", "the downgrade never took effect");
        Assert.Equal(100, (await Json(await ConsumeAsync(Messages, 1))).GetProperty("limit").GetInt64());
        await AssertProblem(await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/subscription", new { planId = "pro" }), HttpStatusCode.Conflict, "subscription_conflict");
        await AssertProblem(await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/subscription", new { planId = "gold" }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Canceling_at_the_period_end_falls_back_to_the_default_plan_unless_resumed()
    {
        await SetUpAsync();
        await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/subscription", new { planId = "plus" });
        await AssertProblem(await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/subscription/cancel", new { }), HttpStatusCode.BadRequest);

        var scheduled = await Json(await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/subscription/cancel", new { atPeriodEnd = true }));
        Assert.True(scheduled.GetProperty("cancelAtPeriodEnd").GetBoolean());
        var resumed = await Json(await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/subscription/resume", new { }));
        Assert.False(resumed.GetProperty("cancelAtPeriodEnd").GetBoolean());
        await AssertProblem(await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/subscription/resume", new { }), HttpStatusCode.Conflict);
        await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/subscription/cancel", new { atPeriodEnd = true });
        Assert.Equal("plus", (await SubscriptionAsync()).GetProperty("planId").GetString());

        Api.Clock.Advance(TimeSpan.FromDays(32));
        await EventuallyAsync(async () => (await AuditActionsAsync()).Contains("subscription.canceled"), "the cancellation never took effect");
        var fallen = await SubscriptionAsync();
        Assert.Equal(("free", "default"), (fallen.GetProperty("planId").GetString(), fallen.GetProperty("source").GetString()));
        await AssertProblem(await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/subscription/cancel", new { atPeriodEnd = false }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_operator_grant_with_a_trial_converts_at_trial_end()
    {
        await SetUpAsync();
        var granted = await Json(await _ops.PostAsJsonAsync($"/v1/admin/tenants/{_owner.TenantId}/subscription", new { planId = "pro", trialDays = 14 }));
        Assert.Equal(("pro", "trialing"), (granted.GetProperty("planId").GetString(), granted.GetProperty("status").GetString()));
        Assert.True(granted.GetProperty("features").GetProperty("sso").GetBoolean());
        Assert.Equal(50_000, (await Json(await ConsumeAsync(Messages, 1))).GetProperty("limit").GetInt64());

        Api.Clock.Advance(TimeSpan.FromDays(15));
        await EventuallyAsync(async () => (await AuditActionsAsync()).Contains("subscription.trial_converted"), "the trial never ended");
        Assert.Equal("active", (await SubscriptionAsync()).GetProperty("status").GetString());
        await AssertProblem(await _ops.PostAsJsonAsync("/v1/admin/tenants/ten_nobody/subscription", new { planId = "pro" }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Trial_days_are_the_operators_to_give_from_0_to_365_and_a_tenant_cannot_name_its_own()
    {
        await SetUpAsync();
        Task<HttpResponseMessage> Post(HttpClient client, string url, string json) =>
            client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var tenantRoute = $"/v1/tenants/{_owner.TenantId}/subscription";
        var grantRoute = $"/v1/admin/tenants/{_owner.TenantId}/subscription";
        const string plan = """{"id":"trial","name":"Trial","priceMinor":0,"currency":"USD","interval":"month","trialDays":""";

        var negativeSelf = await Post(_client, tenantRoute, """{"planId":"plus","trialDays":-5}""");
        var selfTrial = await Post(_client, tenantRoute, """{"planId":"plus","trialDays":30}""");
        var negativeGrant = await Post(_ops, grantRoute, """{"planId":"plus","trialDays":-5}""");
        var longGrant = await Post(_ops, grantRoute, """{"planId":"plus","trialDays":366}""");
        var negativePlan = await Post(_ops, "/v1/admin/plans", plan + "-5}");
        var longPlan = await Post(_ops, "/v1/admin/plans", plan + "366}");

        foreach (var refused in new[] { negativeSelf, selfTrial })
        {
            await AssertProblem(refused, HttpStatusCode.BadRequest, "malformed_request"); // not in the route's contract
            Assert.True((await Json(refused)).GetProperty("errors").TryGetProperty("trialDays", out _));
        }
        foreach (var refused in new[] { negativeGrant, longGrant, negativePlan, longPlan })
        {
            await AssertProblem(refused, HttpStatusCode.BadRequest, "validation_failed");
            Assert.True((await Json(refused)).GetProperty("errors").TryGetProperty("trialDays", out _));
        }
        var unchanged = await SubscriptionAsync();
        Assert.Equal(("free", "active"), (unchanged.GetProperty("planId").GetString(), unchanged.GetProperty("status").GetString()));
        Assert.DoesNotContain("\"trial\"", await (await Api.Anonymous().GetAsync("/v1/plans")).Content.ReadAsStringAsync());
        var granted = await Json(await Post(_ops, grantRoute, """{"planId":"plus","trialDays":365}"""));
        Assert.Equal("trialing", granted.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_plan_change_reaches_subscribers_at_renewal_or_at_once_with_applyNow()
    {
        await SetUpAsync();
        await ConsumeAsync(Messages, 1);
        object Free(long messages) => new
        {
            name = "Free", priceMinor = 0, currency = "USD", interval = "month", isDefault = true,
            quotas = new Dictionary<string, long> { [Messages] = messages, [Tokens] = 1_000, [Seats] = 3 },
        };

        Assert.Equal(HttpStatusCode.OK, (await _ops.PutAsJsonAsync("/v1/admin/plans/free", Free(200))).StatusCode);
        Assert.Equal(100, (await Json(await ConsumeAsync(Messages, 1))).GetProperty("limit").GetInt64());

        var applied = await _ops.PutAsJsonAsync("/v1/admin/plans/free", new Dictionary<string, object>
        {
            ["name"] = "Free", ["priceMinor"] = 0, ["currency"] = "USD", ["interval"] = "month", ["isDefault"] = true, ["applyNow"] = true,
            ["quotas"] = new Dictionary<string, long> { [Messages] = 300, [Tokens] = 1_000, [Seats] = 3 }
        });
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal(3, (await Json(applied)).GetProperty("version").GetInt32());
        Assert.Equal(300, (await Json(await ConsumeAsync(Messages, 1))).GetProperty("limit").GetInt64());

        Assert.Equal(HttpStatusCode.OK, (await _ops.PutAsJsonAsync("/v1/admin/plans/free", Free(400))).StatusCode);
        Api.Clock.Advance(TimeSpan.FromDays(32));
        await EventuallyAsync(async () => (await SubscriptionAsync()).GetProperty("planVersion").GetInt32() == 4, "the renewal did not take the new plan version");
        Assert.Equal(400, (await Json(await ConsumeAsync(Messages, 1))).GetProperty("limit").GetInt64());
    }

    [Fact]
    public async Task Without_stripe_credentials_checkout_and_webhooks_say_payments_are_not_configured()
    {
        await SetUpAsync();
        var checkout = await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/checkout",
            new { planId = "pro", successUrl = "https://a.example/ok", cancelUrl = "https://a.example/no" });
        await AssertProblem(checkout, HttpStatusCode.ServiceUnavailable, "payments_not_configured");
        var webhook = await Api.Anonymous().PostAsync("/v1/webhooks/stripe", new StringContent("{}"));
        await AssertProblem(webhook, HttpStatusCode.ServiceUnavailable, "payments_not_configured");
        // Both say when to come back, as the OpenAPI document promises for every 503.
        Assert.NotNull(checkout.Headers.RetryAfter);
        Assert.NotNull(webhook.Headers.RetryAfter);
        Assert.Equal("free", (await SubscriptionAsync()).GetProperty("planId").GetString());
    }

    private Task<HttpResponseMessage> ConsumeAsync(string quotaType, long amount) =>
        _app.PostAsJsonAsync("/v1/quota/consume", new { quotaType, amount });

    private async Task<JsonElement> SubscriptionAsync() => await Json(await _client.GetAsync($"/v1/tenants/{_owner.TenantId}/subscription"));

    private Task<List<string>> AuditActionsAsync() => AuditActionsAsync(_ops, _owner.TenantId);
}

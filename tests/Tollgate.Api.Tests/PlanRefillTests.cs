using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Testing;
using static Tollgate.Api.Tests.CatalogFixture;

namespace Tollgate.Api.Tests;

/// <summary>
/// Plans' monthlyCredits: every period of a subscription grants them once, whether the reminder renews it, the
/// silo was down for several periods, or Stripe reports the period; time moves on the controllable clock.
/// </summary>
public sealed class PlanRefillTests : ApiTestBase
{
    private const string WebhookSecret = "whsec_tollgate_test";

    private readonly FakeStripe _stripe = FakeStripe.StartAsync().GetAwaiter().GetResult();
    private HttpClient _ops = null!;
    private Account _owner = null!;
    private HttpClient _client = null!;
    private int _events;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Stripe:SecretKey"] = "sk_test_tollgate",
        ["Stripe:WebhookSecret"] = WebhookSecret,
        ["Stripe:ApiBase"] = _stripe.BaseAddress.AbsoluteUri,
    };

    private async Task SetUpAsync(bool rollOver = false)
    {
        _ops = await CreateAsync(Api);
        var created = await _ops.PostAsJsonAsync("/v1/admin/plans", new
        {
            id = "studio", name = "Studio", priceMinor = 0, currency = "USD", interval = "month",
            monthlyCredits = 500, creditsRollOver = rollOver,
            quotas = new Dictionary<string, long> { [Messages] = 10 },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var plan = await Json(created);
        Assert.Equal(500, plan.GetProperty("monthlyCredits").GetInt64());
        Assert.Equal(rollOver, plan.GetProperty("creditsRollOver").GetBoolean());
        _owner = await Api.RegisterAsync("refill@example.com");
        _client = Api.As(_owner.AccessToken);
    }

    private async Task GrantStudioAsync() =>
        Assert.Equal(HttpStatusCode.OK, (await _ops.PostAsJsonAsync($"/v1/admin/tenants/{_owner.TenantId}/subscription",
            new { planId = "studio" })).StatusCode);

    [Fact]
    public async Task Each_period_refills_once_and_its_credits_expire_at_its_end()
    {
        await SetUpAsync();
        Assert.Equal(0, (await WalletAsync()).GetProperty("balance").GetInt64()); // the free plan has no credits
        await GrantStudioAsync();
        var subscription = await SubscriptionAsync();
        var periodEnd = subscription.GetProperty("currentPeriodEnd").GetDateTimeOffset();
        var wallet = await WalletAsync();
        Assert.Equal(500, wallet.GetProperty("balance").GetInt64());
        Assert.Equal(periodEnd, Assert.Single(wallet.GetProperty("grants").EnumerateArray()).GetProperty("expiresAt").GetDateTimeOffset());
        for (var i = 0; i < 3; i++) await SubscriptionAsync(); // looking changes nothing
        var first = Assert.Single(await RefillsAsync());
        Assert.Equal($"plan_refill:studio:{subscription.GetProperty("currentPeriodStart").GetDateTimeOffset().UtcTicks}",
            first.GetProperty("idempotencyKey").GetString());

        Api.Clock.Advance(TimeSpan.FromDays(32));
        // Nothing asks the subscription: its reminder renews and refills.
        await EventuallyAsync(async () => (await RefillsAsync()).Count == 2, "the renewal did not refill");
        wallet = await WalletAsync();
        Assert.Equal(500, wallet.GetProperty("balance").GetInt64()); // the first period's credits left with it
        Assert.Equal(periodEnd.AddMonths(1),
            Assert.Single(wallet.GetProperty("grants").EnumerateArray()).GetProperty("expiresAt").GetDateTimeOffset());
        await SubscriptionAsync();
        Assert.Equal(2, (await RefillsAsync()).Count);
    }

    [Fact]
    public async Task After_downtime_over_several_periods_only_the_current_period_refills_once()
    {
        await SetUpAsync();
        await GrantStudioAsync();
        var start = (await SubscriptionAsync()).GetProperty("currentPeriodStart").GetDateTimeOffset();
        var clock = Api.Clock;
        await Api.DisposeAsync();

        clock.Advance(TimeSpan.FromDays(95)); // three boundaries passed while no silo ran
        var restarted = await StartAsync(clock);
        var client = restarted.As(_owner.AccessToken);
        var subscription = await Json(await client.GetAsync($"/v1/tenants/{_owner.TenantId}/subscription"));
        Assert.Equal(start.AddMonths(3), subscription.GetProperty("currentPeriodStart").GetDateTimeOffset());
        await Task.Delay(1_500); // a reminder tick or two must not refill again

        var refills = (await Json(await client.GetAsync($"/v1/tenants/{_owner.TenantId}/credits/ledger?kind=grant"))).GetProperty("items")
            .EnumerateArray().Where(g => g.GetProperty("source").GetString() == "plan_refill").ToList();
        Assert.Equal(2, refills.Count); // the first period's and the current one's; none for the periods already over
        Assert.Equal($"plan_refill:studio:{start.AddMonths(3).UtcTicks}", refills[0].GetProperty("idempotencyKey").GetString());
        var wallet = await Json(await client.GetAsync($"/v1/tenants/{_owner.TenantId}/credits"));
        Assert.Equal(500, wallet.GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task Rolled_over_credits_outlive_their_period()
    {
        await SetUpAsync(rollOver: true);
        await GrantStudioAsync();
        Assert.Equal(JsonValueKind.Null,
            Assert.Single((await WalletAsync()).GetProperty("grants").EnumerateArray()).GetProperty("expiresAt").ValueKind);
        Api.Clock.Advance(TimeSpan.FromDays(32));
        await EventuallyAsync(async () => (await RefillsAsync()).Count == 2, "the renewal did not refill");
        Assert.Equal(1_000, (await WalletAsync()).GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task Plans_take_monthly_credits_on_the_api_and_refuse_negative_ones()
    {
        await SetUpAsync();
        var refused = await _ops.PostAsJsonAsync("/v1/admin/plans",
            new { id = "neg", name = "Neg", priceMinor = 0, currency = "USD", interval = "month", monthlyCredits = -1 });
        await AssertProblem(refused, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True((await Json(refused)).GetProperty("errors").TryGetProperty("monthlyCredits", out _));
        var listed = (await Json(await Api.Anonymous().GetAsync("/v1/plans"))).EnumerateArray()
            .Single(p => p.GetProperty("id").GetString() == "studio");
        Assert.Equal(500, listed.GetProperty("monthlyCredits").GetInt64());
        Assert.Equal(0, (await Json(await Api.Anonymous().GetAsync("/v1/plans"))).EnumerateArray()
            .Single(p => p.GetProperty("id").GetString() == "free").GetProperty("monthlyCredits").GetInt64());
    }

    [Fact]
    public async Task Stripe_reported_periods_refill_once_each_and_not_while_unpaid()
    {
        await SetUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await _ops.PutAsJsonAsync("/v1/admin/plans/pro", new
        {
            name = "Pro", priceMinor = 2_000, currency = "USD", interval = "month", trialDays = 14, stripePriceId = "price_123",
            monthlyCredits = 2_000,
            quotas = new Dictionary<string, long> { [Messages] = 50_000 },
        })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsJsonAsync($"/v1/tenants/{_owner.TenantId}/checkout",
            new { planId = "pro", successUrl = "https://app.example.com/ok", cancelUrl = "https://app.example.com/no" })).StatusCode);
        var customer = Assert.Single(_stripe.RequestsTo("POST", "/v1/checkout/sessions")).Field("customer")!;
        var now = Api.Clock.GetUtcNow();
        var start = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var (p1, p2) = (start, start.AddDays(30));

        await DeliverAsync("customer.subscription.created", Subscription(customer, "active", p1, p2), p1);
        await DeliverAsync("customer.subscription.updated", Subscription(customer, "active", p1, p2, cancelAtPeriodEnd: true),
            p1.AddMinutes(1));
        Assert.Single(await RefillsAsync());
        // The renewal's payment failed: Stripe moves the period on, past due; nothing is granted until it is paid.
        await DeliverAsync("customer.subscription.updated", Subscription(customer, "past_due", p2, p2.AddDays(30)), p1.AddMinutes(2));
        Assert.Single(await RefillsAsync());
        await DeliverAsync("customer.subscription.updated", Subscription(customer, "active", p2, p2.AddDays(30)), p1.AddMinutes(3));
        await DeliverAsync("customer.subscription.updated", Subscription(customer, "active", p2, p2.AddDays(30)), p1.AddMinutes(4));

        var refills = await RefillsAsync();
        Assert.Equal(2, refills.Count);
        Assert.Equal([$"plan_refill:pro:{p2.UtcTicks}", $"plan_refill:pro:{p1.UtcTicks}"],
            refills.Select(r => r.GetProperty("idempotencyKey").GetString()));
        Assert.All(refills, r => Assert.Equal(2_000, r.GetProperty("credits").GetInt64()));
    }

    // ---- helpers ----

    private async Task<JsonElement> SubscriptionAsync() =>
        await Json(await _client.GetAsync($"/v1/tenants/{_owner.TenantId}/subscription"));

    private async Task<JsonElement> WalletAsync() => await Json(await _client.GetAsync($"/v1/tenants/{_owner.TenantId}/credits"));

    /// <summary>The ledger's plan refills, newest first.</summary>
    private async Task<List<JsonElement>> RefillsAsync() =>
        (await Json(await _client.GetAsync($"/v1/tenants/{_owner.TenantId}/credits/ledger?kind=grant"))).GetProperty("items")
            .EnumerateArray().Where(g => g.GetProperty("source").GetString() == "plan_refill").ToList();

    private static JsonObject Subscription(string customer, string status, DateTimeOffset start, DateTimeOffset end,
        bool cancelAtPeriodEnd = false)
    {
        var subscription = FakeStripe.Fixture("subscription");
        subscription["id"] = "sub_refill";
        subscription["customer"] = customer;
        subscription["status"] = status;
        subscription["billing_cycle_anchor"] = start.ToUnixTimeSeconds();
        subscription["trial_end"] = null;
        subscription["cancel_at_period_end"] = cancelAtPeriodEnd;
        subscription["metadata"] = new JsonObject();
        var item = subscription["items"]!["data"]![0]!;
        item["subscription"] = "sub_refill";
        item["price"]!["id"] = "price_123";
        item["current_period_start"] = start.ToUnixTimeSeconds();
        item["current_period_end"] = end.ToUnixTimeSeconds();
        return subscription;
    }

    private async Task DeliverAsync(string type, JsonObject stripeObject, DateTimeOffset created)
    {
        var body = FakeStripe.Event(type, stripeObject, created, $"evt_refill_{Interlocked.Increment(ref _events)}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/stripe")
        {
            Content = new StringContent(body,
            Encoding.UTF8, "application/json")
        };
        request.Headers.Add("Stripe-Signature", FakeStripe.Sign(body, WebhookSecret, Api.Clock.GetUtcNow()));
        var response = await Api.Anonymous().SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"{type}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _stripe.DisposeAsync();
    }
}

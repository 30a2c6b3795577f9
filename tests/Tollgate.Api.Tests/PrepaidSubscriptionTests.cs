using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Identity;
using static Tollgate.Api.Tests.CatalogFixture;

namespace Tollgate.Api.Tests;

/// <summary>
/// Periods prepaid with one-time orders (Alipay, WeChat Pay): the order's grain call applies them; what a tenant sees is read over
/// HTTP while the clock moves (and jumps while no silo runs), as <see cref="SubscriptionTests"/> do.
/// </summary>
public sealed class PrepaidSubscriptionTests : ApiTestBase
{
    private static readonly AuditActor OrderActor = new("system", "orders", null, null);

    private HttpClient _ops = null!;
    private Account _owner = null!;
    private HttpClient _client = null!;

    private async Task SetUpAsync()
    {
        _ops = await CreateAsync(Api);
        var studio = await _ops.PostAsJsonAsync("/v1/admin/plans", new
        {
            id = "studio", name = "Studio", priceMinor = 1_200, currency = "USD", interval = "month", monthlyCredits = 500,
            prices = new[] { new { currency = "usd", amountMinor = 1_200L }, new { currency = "cny", amountMinor = 8_800L } },
            quotas = new Dictionary<string, long> { [Messages] = 1_000 },
        });
        Assert.Equal(HttpStatusCode.Created, studio.StatusCode);
        var max = await _ops.PostAsJsonAsync("/v1/admin/plans", new
        {
            id = "max", name = "Max", priceMinor = 18_800, currency = "CNY", interval = "month",
            quotas = new Dictionary<string, long> { [Messages] = 5_000 },
        });
        Assert.Equal(HttpStatusCode.Created, max.StatusCode);
        _owner = await Api.RegisterAsync("prepaid@example.com");
        _client = Api.As(_owner.AccessToken);
    }

    [Fact]
    public async Task Paid_periods_renew_and_refill_inside_the_span_warn_three_days_before_its_end_and_lapse_to_the_default_plan()
    {
        await SetUpAsync();
        var applied = await ApplyAsync(_owner.TenantId, "ord_1", "studio", 2);
        Assert.Equal(SubscriptionError.None, applied.Error);
        var subscription = await SubscriptionAsync();
        var start = subscription.GetProperty("currentPeriodStart").GetDateTimeOffset();
        var paidThrough = subscription.GetProperty("paidThrough").GetDateTimeOffset();
        Assert.Equal(("studio", "prepaid", "active"), (subscription.GetProperty("planId").GetString(),
            subscription.GetProperty("source").GetString(), subscription.GetProperty("status").GetString()));
        Assert.Equal(start.AddMonths(2), paidThrough);
        Assert.Equal(start.AddMonths(1), subscription.GetProperty("currentPeriodEnd").GetDateTimeOffset());
        Assert.Single(await RefillsAsync());
        var created = Assert.Single(await EventsAsync("subscription.created", "prepaid")); // after the default plan's
        Assert.Equal(paidThrough, created.GetProperty("data").GetProperty("paidThrough").GetDateTimeOffset());

        MoveClockTo(start.AddMonths(1).AddSeconds(1));
        // Nothing asks the subscription: its reminder renews inside the paid span, and the period refills.
        await EventuallyAsync(async () => (await RefillsAsync()).Count == 2, "the renewal inside the paid span did not refill");
        Assert.Single(await EventsAsync("subscription.renewed"));
        Assert.Empty(await EventsAsync("subscription.expiring"));

        MoveClockTo(paidThrough.AddDays(-3).AddSeconds(1));
        await EventuallyAsync(async () => (await EventsAsync("subscription.expiring")).Count == 1,
            "no subscription.expiring 3 days before the end");
        var expiring = Assert.Single(await EventsAsync("subscription.expiring")).GetProperty("data");
        Assert.Equal(("expiring", "studio"), (expiring.GetProperty("change").GetString(), expiring.GetProperty("planId").GetString()));
        Assert.Equal(paidThrough, expiring.GetProperty("paidThrough").GetDateTimeOffset());
        Assert.Equal("studio", (await SubscriptionAsync()).GetProperty("planId").GetString());

        MoveClockTo(paidThrough.AddSeconds(1));
        await EventuallyAsync(async () => (await SubscriptionAsync()).GetProperty("planId").GetString() == "free",
            "the paid span never lapsed");
        await Task.Delay(1_500); // reminder ticks after the end change nothing more
        var fallen = await SubscriptionAsync();
        Assert.Equal("default", fallen.GetProperty("source").GetString());
        Assert.Equal(paidThrough, fallen.GetProperty("currentPeriodStart").GetDateTimeOffset()); // the default plan from the end on
        Assert.Equal(JsonValueKind.Null, fallen.GetProperty("paidThrough").ValueKind);
        var canceled = Assert.Single(await EventsAsync("subscription.canceled")).GetProperty("data");
        Assert.Equal(("free", "studio"), (canceled.GetProperty("planId").GetString(), canceled.GetProperty("previousPlanId").GetString()));
        Assert.Single(await EventsAsync("subscription.expiring"));
        Assert.Single(await EventsAsync("subscription.renewed"));
        Assert.Equal(2, (await RefillsAsync()).Count);
    }

    [Fact]
    public async Task After_downtime_the_notice_and_the_lapse_each_happen_once_in_order_and_a_jump_past_the_end_only_lapses()
    {
        await SetUpAsync();
        await ApplyAsync(_owner.TenantId, "ord_1", "studio", 1);
        var other = await Api.RegisterAsync("prepaid-other@example.com"); // tokens are made before the clock moves
        var paidThrough = (await SubscriptionAsync()).GetProperty("paidThrough").GetDateTimeOffset();
        var clock = Api.Clock;
        await Api.DisposeAsync();

        clock.Advance(paidThrough.AddDays(-1) - clock.GetUtcNow()); // past the notice while no silo ran
        var restarted = await StartAsync(clock);
        _client = restarted.As(_owner.AccessToken);
        await EventuallyAsync(async () => (await SubscriptionAsync()).ValueKind == JsonValueKind.Object
            && (await EventsAsync("subscription.expiring")).Count == 1, "the late notice never went out");
        Assert.Equal("studio", (await SubscriptionAsync()).GetProperty("planId").GetString());
        // Another tenant prepays a month now; the next downtime jumps past its notice and its end at once.
        Assert.Equal(SubscriptionError.None, (await ApplyAsync(other.TenantId, "ord_2", "studio", 1, restarted)).Error);
        await restarted.DisposeAsync();

        clock.Advance(TimeSpan.FromDays(40));
        var again = await StartAsync(clock);
        _client = again.As(_owner.AccessToken);
        await EventuallyAsync(async () => (await SubscriptionAsync()).GetProperty("planId").GetString() == "free", "the lapse never came");
        var otherClient = again.As(other.AccessToken);
        await EventuallyAsync(async () => (await Json(await otherClient.GetAsync($"/v1/tenants/{other.TenantId}/subscription")))
            .GetProperty("planId").GetString() == "free", "the other tenant's lapse never came");
        await Task.Delay(1_500);

        var types = (await EventsAsync(null)).Select(e => e.GetProperty("type").GetString()).ToList(); // newest first
        Assert.Single(types, t => t == "subscription.expiring");
        Assert.Single(types, t => t == "subscription.canceled");
        Assert.True(types.IndexOf("subscription.canceled") < types.IndexOf("subscription.expiring"), string.Join(", ", types));
        var otherTypes = (await Json(await otherClient.GetAsync($"/v1/tenants/{other.TenantId}/events"))).GetProperty("items")
            .EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Single(otherTypes, t => t == "subscription.canceled");
        Assert.DoesNotContain("subscription.expiring", otherTypes); // an end already passed is not announced
    }

    [Fact]
    public async Task Each_order_applies_once_more_of_the_plan_adds_up_another_plan_starts_now_and_stripe_subscribers_are_refused()
    {
        await SetUpAsync();
        var first = await ApplyAsync(_owner.TenantId, "ord_1", "studio", 3);
        var start = first.Value!.CurrentPeriodStart;
        Assert.Equal(start.AddMonths(3), first.Value.PaidThrough);
        Assert.Equal(start.AddMonths(6), (await ApplyAsync(_owner.TenantId, "ord_2", "studio", 3)).Value!.PaidThrough); // 3 + 3
        var repeat = await ApplyAsync(_owner.TenantId, "ord_2", "studio", 3);
        Assert.Equal((SubscriptionError.None, start.AddMonths(6)), (repeat.Error, repeat.Value!.PaidThrough));
        Assert.Equal(start.AddMonths(6), (await ApplyAsync(_owner.TenantId, "ord_1", "studio", 3)).Value!.PaidThrough);
        var subscription = await SubscriptionAsync();
        Assert.Equal(start.AddMonths(6), subscription.GetProperty("paidThrough").GetDateTimeOffset());
        Assert.Equal(start.AddMonths(1), subscription.GetProperty("currentPeriodEnd").GetDateTimeOffset()); // periods still monthly
        Assert.Single(await RefillsAsync()); // an extension is no new period
        Assert.Single(await AuditActionsAsync(_ops, _owner.TenantId), a => a == "subscription.extended");
        Assert.Single(await EventsAsync("subscription.updated", "extended"));

        // Inside the span: no plan change, no cancelling at the period's end, nothing to resume.
        var path = $"/v1/tenants/{_owner.TenantId}/subscription";
        await AssertProblem(await _client.PostAsJsonAsync(path, new { planId = "plus" }), HttpStatusCode.Conflict, "subscription_conflict");
        await AssertProblem(await _client.PostAsJsonAsync($"{path}/cancel", new { atPeriodEnd = true }), HttpStatusCode.Conflict,
            "subscription_conflict");
        await AssertProblem(await _client.PostAsJsonAsync($"{path}/resume", new { }), HttpStatusCode.Conflict, "subscription_conflict");

        Api.Clock.Advance(TimeSpan.FromDays(10));
        var now = Api.Clock.GetUtcNow();
        var max = (await ApplyAsync(_owner.TenantId, "ord_3", "max", 1)).Value!;
        Assert.Equal(("max", SubscriptionSource.Prepaid), (max.PlanId, max.Source));
        // From now (the call's own now, a moment later): what remained of studio is given up.
        Assert.InRange(max.CurrentPeriodStart, now, now.AddMinutes(1));
        Assert.Equal(max.CurrentPeriodStart.AddMonths(1), max.PaidThrough);
        Assert.Equal(2, (await EventsAsync("subscription.created", "prepaid")).Count);

        // Cancelling now ends the span at once.
        var canceled = await Json(await _client.PostAsJsonAsync($"{path}/cancel", new { atPeriodEnd = false }));
        Assert.Equal(("free", "default"), (canceled.GetProperty("planId").GetString(), canceled.GetProperty("source").GetString()));
        Assert.Equal(JsonValueKind.Null, canceled.GetProperty("paidThrough").ValueKind);

        // A tenant paying through Stripe: the order is refused (and then refunded), the subscription untouched.
        var stripeTenant = await Api.RegisterAsync("stripe-payer@example.com");
        var grain = Grains.GetGrain<ISubscriptionGrain>(stripeTenant.TenantId);
        Assert.Equal(ProviderEventOutcome.Applied, await grain.ApplyProviderSubscription(
            new ProviderEvent("evt_1", "customer.subscription.created", now),
            new ProviderSubscription("stripe", "sub_1", "cus_1", ProviderSubscriptionStatus.Active, "price_123", now, now.AddMonths(1),
                TrialEnd: null, CancelAtPeriodEnd: false, now),
            AuditActor.System));
        var refused = await ApplyAsync(stripeTenant.TenantId, "ord_4", "studio", 1);
        Assert.Equal(SubscriptionError.Conflict, refused.Error);
        var kept = (await grain.Get())!;
        Assert.Equal(("pro", SubscriptionSource.Provider, (DateTimeOffset?)null), (kept.PlanId, kept.Source, kept.PaidThrough));
        // An unknown plan or periods out of range change nothing either.
        Assert.Equal(SubscriptionError.NotFound, (await ApplyAsync(_owner.TenantId, "ord_5", "gold", 1)).Error);
        Assert.Equal(SubscriptionError.Invalid, (await ApplyAsync(_owner.TenantId, "ord_6", "studio", 37)).Error);
        Assert.Equal("free", (await SubscriptionAsync()).GetProperty("planId").GetString());
    }

    [Fact]
    public async Task Plans_and_packs_take_prices_per_currency_with_the_first_being_their_price()
    {
        await SetUpAsync();
        var plans = (await Json(await Api.Anonymous().GetAsync("/v1/plans"))).EnumerateArray()
            .ToDictionary(p => p.GetProperty("id").GetString()!);
        Assert.Equal("""[{"currency":"usd","amountMinor":1200},{"currency":"cny","amountMinor":8800}]""",
            plans["studio"].GetProperty("prices").GetRawText());
        var studio = plans["studio"];
        Assert.Equal(("USD", 1_200), (studio.GetProperty("currency").GetString(), studio.GetProperty("priceMinor").GetInt64()));
        Assert.Equal("""[{"currency":"usd","amountMinor":0}]""", plans["free"].GetProperty("prices").GetRawText()); // one price, as before

        object Plan(object? prices, long priceMinor = 1_200) => new
        {
            name = "Studio", priceMinor, currency = "USD", interval = "month", monthlyCredits = 500, prices,
            quotas = new Dictionary<string, long> { [Messages] = 1_000 },
        };
        async Task Refused(object plan, string field)
        {
            var response = await _ops.PutAsJsonAsync("/v1/admin/plans/studio", plan);
            await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
            Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(field, out _), field);
        }
        static object[] Prices(params (string Currency, long AmountMinor)[] prices) =>
            prices.Select(p => (object)new { currency = p.Currency, amountMinor = p.AmountMinor }).ToArray();
        await Refused(Plan(Prices(("usd", 1_200), ("CNY", 8_800))), "prices[1].currency");
        await Refused(Plan(Prices(("usd", 1_200), ("usd", 1_300))), "prices[1].currency");
        await Refused(Plan(Prices(("usd", 1_200), ("cny", -1))), "prices[1].amountMinor");
        await Refused(Plan(Prices(("cny", 8_800), ("usd", 1_200))), "prices");
        await Refused(Plan(Array.Empty<object>()), "prices");
        var fractional = await _ops.PutAsync("/v1/admin/plans/studio", new StringContent(
            """{"name":"Studio","priceMinor":1200,"currency":"USD","interval":"month","prices":[{"currency":"usd","amountMinor":12.5}]}""",
            System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, fractional.StatusCode);
        Assert.Equal(8_800, (await Catalog()).Plan("studio")!.PriceIn("cny")); // nothing half-applied

        // Without prices a plan has just its one price again.
        var single = await Json(await _ops.PutAsJsonAsync("/v1/admin/plans/studio", Plan(null, 1_500)));
        Assert.Equal("""[{"currency":"usd","amountMinor":1500}]""", single.GetProperty("prices").GetRawText());
        Assert.Null((await Catalog()).Plan("studio")!.PriceIn("cny"));

        var pack = await _ops.PostAsJsonAsync("/v1/admin/credit-packs", new
        {
            id = "boost", name = "Boost", credits = 1_000, priceMinor = 500, currency = "USD",
            prices = new[] { new { currency = "usd", amountMinor = 500 }, new { currency = "cny", amountMinor = 3_600 } },
        });
        Assert.Equal(HttpStatusCode.Created, pack.StatusCode);
        var listed = Assert.Single((await Json(await Api.Anonymous().GetAsync("/v1/credit-packs"))).EnumerateArray());
        Assert.Equal("""[{"currency":"usd","amountMinor":500},{"currency":"cny","amountMinor":3600}]""",
            listed.GetProperty("prices").GetRawText());
        var badPack = await _ops.PutAsJsonAsync("/v1/admin/credit-packs/boost", new
        {
            name = "Boost", credits = 1_000, priceMinor = 500, currency = "USD", prices = Prices(("cny", 3_600)),
        });
        await AssertProblem(badPack, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(3_600, (await Catalog()).CreditPacks.Single().PriceIn("cny"));
    }

    private IGrainFactory Grains => Api.Services.GetRequiredService<IGrainFactory>();

    private Task<CatalogSnapshot> Catalog() => Grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).Get();

    private Task<SubscriptionResult> ApplyAsync(string tenantId, string orderId, string planId, int periods, ApiFactory? api = null) =>
        (api ?? Api).Services.GetRequiredService<IGrainFactory>().GetGrain<ISubscriptionGrain>(tenantId)
            .ApplyPrepaidPeriods(new PrepaidPeriods(orderId, planId, periods, "alipay", (api ?? Api).Clock.GetUtcNow()), OrderActor);

    private void MoveClockTo(DateTimeOffset at) => Api.Clock.Advance(at - Api.Clock.GetUtcNow());

    private async Task<JsonElement> SubscriptionAsync() =>
        await Json(await _client.GetAsync($"/v1/tenants/{_owner.TenantId}/subscription"));

    /// <summary>The tenant's events of <paramref name="type"/> (all when null) and <paramref name="change"/>, newest first.</summary>
    private async Task<List<JsonElement>> EventsAsync(string? type, string? change = null) =>
        (await Json(await _client.GetAsync($"/v1/tenants/{_owner.TenantId}/events?limit=100{(type is null ? "" : $"&type={type}")}")))
            .GetProperty("items").EnumerateArray()
            .Where(e => change is null || e.GetProperty("data").GetProperty("change").GetString() == change).ToList();

    private async Task<List<JsonElement>> RefillsAsync() =>
        (await Json(await _client.GetAsync($"/v1/tenants/{_owner.TenantId}/credits/ledger?kind=grant"))).GetProperty("items")
            .EnumerateArray().Where(g => g.GetProperty("source").GetString() == "plan_refill").ToList();
}
